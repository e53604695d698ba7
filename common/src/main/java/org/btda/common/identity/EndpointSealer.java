package org.btda.common.identity;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts endpoints (IP, port) with AES-256-GCM so they can outlive the bounded-retention topics without being
 * readable at rest. The AES key is {@code HMAC-SHA256(secret, "btda endpoint sealing v1")}, so it differs from the
 * peer-key HMAC key while coming from the same deployment secret.
 *
 * <p>Layout: {@code version(1)=1 | nonce(12) | ciphertext(address 4 or 16 + port 2) | tag(16)}; the version byte is
 * authenticated as associated data. Thread-safe: each thread keeps its own {@link Cipher}, re-initialised with a fresh
 * nonce on every call (GCM forbids reusing a key/nonce pair, and the JCE enforces it).
 */
public final class EndpointSealer {
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] LABEL = "btda endpoint sealing v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final int MAX_SEALED_BYTES = 1 + NONCE_BYTES + 16 + 2 + TAG_BITS / 8;

    private final SecretKeySpec key;
    private final ThreadLocal<Cipher> cipher = ThreadLocal.withInitial(EndpointSealer::newCipher);

    public EndpointSealer(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("secret must have at least 16 bytes");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            this.key = new SecretKeySpec(mac.doFinal(LABEL), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public byte[] seal(InetAddress address, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        byte[] addr = address.getAddress();
        byte[] plain = ByteBuffer.allocate(addr.length + 2).put(addr).putShort((short) port).array();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = this.cipher.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(new byte[] {VERSION});
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Opens a sealed endpoint; throws {@link EndpointSealingException} if it was altered or sealed under another secret. */
    public InetSocketAddress open(byte[] sealed) {
        int plainLength = sealed == null ? -1 : sealed.length - 1 - NONCE_BYTES - TAG_BITS / 8;
        if (plainLength != 6 && plainLength != 18) {
            throw new EndpointSealingException("sealed endpoint has wrong length " + (sealed == null ? "null" : sealed.length), null);
        }
        if (sealed[0] != VERSION) {
            throw new EndpointSealingException("unknown sealed endpoint version " + sealed[0], null);
        }
        byte[] plain;
        try {
            Cipher cipher = this.cipher.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(sealed, 0, 1);
            plain = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new EndpointSealingException("sealed endpoint failed authentication (tampered or other secret)", e);
        } catch (GeneralSecurityException e) {
            throw new EndpointSealingException("cannot open sealed endpoint: " + e.getMessage(), e);
        }
        byte[] addr = new byte[plain.length - 2];
        System.arraycopy(plain, 0, addr, 0, addr.length);
        int port = ((plain[addr.length] & 0xff) << 8) | (plain[addr.length + 1] & 0xff);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException e) {
            throw new EndpointSealingException("bad address length", e);
        }
    }
}
