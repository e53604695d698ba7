package org.btda.protocol.mse;

/** crypto_provide/crypto_select bits: what carries the stream after the MSE handshake. */
public enum MseEncryption {
    PLAINTEXT(0x01), RC4(0x02);

    public final int bit;

    MseEncryption(int bit) {
        this.bit = bit;
    }
}
