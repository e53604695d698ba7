package org.btda.protocol.metainfo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A BitTorrent v1 info hash: SHA-1 of the raw bencoded info dictionary. Immutable value type; toString is hex. */
public final class InfoHash implements Comparable<InfoHash> {
    public static final int LENGTH = 20;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private final byte[] bytes;

    private InfoHash(byte[] bytes) {
        this.bytes = bytes;
    }

    public static InfoHash of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("info hash must be 20 bytes, got "
                    + (bytes == null ? "null" : bytes.length));
        }
        return new InfoHash(bytes.clone());
    }

    /** SHA-1 over exactly these bytes (pass the raw info dict as it appeared in the file, never a re-encoding). */
    public static InfoHash sha1(byte[] rawInfo) {
        try {
            return new InfoHash(MessageDigest.getInstance("SHA-1").digest(rawInfo));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }

    /** 40 hex characters, either case. */
    public static InfoHash fromHex(String hex) {
        if (hex == null || hex.length() != 40) {
            throw new IllegalArgumentException("hex info hash must be 40 characters, got "
                    + (hex == null ? "null" : hex.length()));
        }
        try {
            return new InfoHash(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("hex info hash contains a non-hex character: " + hex);
        }
    }

    /** 32 RFC 4648 base32 characters (A-Z, 2-7), either case, no padding. */
    public static InfoHash fromBase32(String b32) {
        if (b32 == null || b32.length() != 32) {
            throw new IllegalArgumentException("base32 info hash must be 32 characters, got "
                    + (b32 == null ? "null" : b32.length()));
        }
        byte[] out = new byte[LENGTH];
        long buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < 32; i++) {
            int v = BASE32.indexOf(Character.toUpperCase(b32.charAt(i)));
            if (v < 0) {
                throw new IllegalArgumentException("base32 info hash contains invalid character '" + b32.charAt(i)
                        + "' at position " + i);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = (byte) (buffer >>> bits);
            }
        }
        return new InfoHash(out);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** 40 lowercase hex characters (the form used as Kafka key and in ClickHouse). */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** 32 uppercase base32 characters. */
    public String base32() {
        StringBuilder sb = new StringBuilder(32);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                sb.append(BASE32.charAt((buffer >>> bits) & 31));
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoHash other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(InfoHash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
