package org.btda.protocol.mse;

import io.netty.buffer.ByteBuf;

/**
 * RC4 as MSE uses it: keyed with a 20-byte SHA-1 digest, first 1024 keystream bytes discarded. A small class of our
 * own rather than the JCA cipher: no provider lookup per connection and in-place work on Netty buffers. One instance
 * per direction per connection; not thread-safe (a channel's event loop only).
 */
public final class Rc4 {
    static final int DISCARD = 1024;
    private final byte[] s = new byte[256];
    private int i;
    private int j;

    public Rc4(byte[] key) {
        for (int k = 0; k < 256; k++) s[k] = (byte) k;
        for (int k = 0, jj = 0; k < 256; k++) {
            jj = (jj + s[k] + key[k % key.length]) & 0xff;
            byte t = s[k];
            s[k] = s[jj];
            s[jj] = t;
        }
        for (int k = 0; k < DISCARD; k++) next();
    }

    private byte next() {
        i = (i + 1) & 0xff;
        j = (j + s[i]) & 0xff;
        byte t = s[i];
        s[i] = s[j];
        s[j] = t;
        return s[(s[i] + s[j]) & 0xff];
    }

    public void crypt(byte[] b, int off, int len) {
        for (int k = off; k < off + len; k++) b[k] ^= next();
    }

    public byte[] crypt(byte[] b) {
        crypt(b, 0, b.length);
        return b;
    }

    /** En- or decrypts the readable bytes of {@code buf} in place, without moving its indices. */
    public void crypt(ByteBuf buf) {
        int end = buf.writerIndex();
        for (int k = buf.readerIndex(); k < end; k++) buf.setByte(k, buf.getByte(k) ^ next());
    }
}
