package org.btda.common.identity;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Peer keys: {@code HMAC-SHA256(secret, identity)} truncated to 16 bytes, as 32 lowercase hex characters. The same
 * secret gives the same key in every process and across restarts; without the secret the key reveals nothing.
 *
 * <p>The HMAC input is a tagged, fixed-layout encoding so the two identity kinds can never collide:
 * {@code kind(1) | info hash(20) | address length(1) | address(4 or 16) | port(2) or peer id(20)}.
 * Thread-safe: each thread keeps its own {@link Mac}.
 */
public final class PeerKeys {
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte KIND_LISTEN_PORT = 1;
    private static final byte KIND_PEER_ID = 2;
    private static final int KEY_BYTES = 16;
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> mac;

    public PeerKeys(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("secret must have at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
        this.mac = ThreadLocal.withInitial(this::newMac);
        newMac(); // fail now, not on first use, if the JCE lacks HmacSHA256
    }

    /** Key of the identity (info hash, IP, listen port). */
    public String key(String infoHashHex, InetAddress address, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        byte[] addr = address.getAddress();
        ByteBuffer buf = ByteBuffer.allocate(1 + 20 + 1 + addr.length + 2);
        buf.put(KIND_LISTEN_PORT).put(infoHash(infoHashHex)).put((byte) addr.length).put(addr).putShort((short) port);
        return digest(buf.array());
    }

    /** Key of the identity (info hash, IP, peer id), for incoming peers that sent no listen port. */
    public String keyByPeerId(String infoHashHex, InetAddress address, byte[] peerId) {
        if (peerId == null || peerId.length != 20) {
            throw new IllegalArgumentException("peer id must have 20 bytes");
        }
        byte[] addr = address.getAddress();
        ByteBuffer buf = ByteBuffer.allocate(1 + 20 + 1 + addr.length + 20);
        buf.put(KIND_PEER_ID).put(infoHash(infoHashHex)).put((byte) addr.length).put(addr).put(peerId);
        return digest(buf.array());
    }

    private String digest(byte[] input) {
        byte[] full = mac.get().doFinal(input);
        return HEX.formatHex(full, 0, KEY_BYTES);
    }

    static byte[] infoHash(String hex) {
        if (hex == null || hex.length() != 40) {
            throw new IllegalArgumentException("info hash must be 40 hex characters: " + hex);
        }
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("info hash is not hex: " + hex, e);
        }
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance(ALGORITHM);
            m.init(key);
            return m;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
