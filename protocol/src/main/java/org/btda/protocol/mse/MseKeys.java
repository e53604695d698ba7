package org.btda.protocol.mse;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/**
 * The key agreement of MSE/PE: Diffie-Hellman over the 768-bit prime P with generator 2 and 160-bit private exponents;
 * S is the shared secret as 96 big-endian bytes, SKEY the torrent's info hash; HASH is SHA-1.
 */
public final class MseKeys {
    public static final int PUBLIC_KEY_LENGTH = 96;
    static final BigInteger P = new BigInteger("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
            + "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9"
            + "A63A36210000000000090563", 16);
    static final BigInteger G = BigInteger.TWO;
    private static final BigInteger MAX_PUBLIC = P.subtract(BigInteger.TWO);

    private final BigInteger privateKey;
    private final byte[] publicKey;
    /** The last peer value and its S: a key pair reused for many handshakes (the fuzz test) pays one exponentiation. */
    private byte[] lastPeer;
    private byte[] lastSecret;

    public MseKeys(Random random) {
        BigInteger x;
        do {
            x = new BigInteger(160, random);
        } while (x.signum() == 0);
        privateKey = x;
        publicKey = toBytes(G.modPow(x, P));
    }

    /** Y, 96 bytes, left-padded with zeros. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** S from the peer's 96-byte public value; rejects degenerate values (1, P-1, out of range). */
    public synchronized byte[] secret(byte[] peerPublic) {
        if (lastPeer != null && java.util.Arrays.equals(lastPeer, peerPublic)) return lastSecret.clone();
        BigInteger y = new BigInteger(1, peerPublic);
        if (y.compareTo(BigInteger.TWO) < 0 || y.compareTo(MAX_PUBLIC) > 0) {
            throw new MseException(MseViolation.BAD_PUBLIC_KEY, "public value out of range");
        }
        byte[] s = toBytes(y.modPow(privateKey, P));
        lastPeer = peerPublic.clone();
        lastSecret = s.clone();
        return s;
    }

    static byte[] toBytes(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[PUBLIC_KEY_LENGTH];
        int n = Math.min(raw.length, PUBLIC_KEY_LENGTH);
        System.arraycopy(raw, raw.length - n, out, PUBLIC_KEY_LENGTH - n, n);
        return out;
    }

    public static byte[] req1(byte[] s) {
        return hash("req1", s, null);
    }

    /** HASH('req2', SKEY): what the responder indexes its torrents by. */
    public static byte[] req2(byte[] infoHash) {
        return hash("req2", infoHash, null);
    }

    public static byte[] req3(byte[] s) {
        return hash("req3", s, null);
    }

    /** The initiator's sending key (and the responder's receiving key). */
    public static byte[] keyA(byte[] s, byte[] infoHash) {
        return hash("keyA", s, infoHash);
    }

    public static byte[] keyB(byte[] s, byte[] infoHash) {
        return hash("keyB", s, infoHash);
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int k = 0; k < a.length; k++) out[k] = (byte) (a[k] ^ b[k]);
        return out;
    }

    private static byte[] hash(String label, byte[] a, byte[] b) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(label.getBytes(StandardCharsets.US_ASCII));
            sha1.update(a);
            if (b != null) sha1.update(b);
            return sha1.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
