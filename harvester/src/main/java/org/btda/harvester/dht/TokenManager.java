package org.btda.harvester.dht;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * get_peers / announce_peer tokens (BEP 5): SHA-1(secret ‖ asker IP) truncated to 8 bytes, so a token only works from
 * the address it was given to. The secret changes every {@link #ROTATE_MILLIS}; tokens from the previous secret are
 * still accepted, so a token lives 5 to 10 minutes.
 */
public final class TokenManager {
    public static final long ROTATE_MILLIS = 5 * 60 * 1000L;
    static final int TOKEN_LENGTH = 8;
    private final SecureRandom random = new SecureRandom();
    private final LongSupplier clockMillis;
    private byte[] current;
    private byte[] previous;
    private long rotatedAt;

    public TokenManager(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        this.current = secret();
        this.previous = secret();
        this.rotatedAt = clockMillis.getAsLong();
    }

    private byte[] secret() {
        byte[] s = new byte[16];
        random.nextBytes(s);
        return s;
    }

    private synchronized void rotateIfDue() {
        long now = clockMillis.getAsLong();
        if (now - rotatedAt >= 2 * ROTATE_MILLIS) {
            // idle for two periods: both old secrets are expired
            previous = secret();
            current = secret();
            rotatedAt = now;
        } else if (now - rotatedAt >= ROTATE_MILLIS) {
            previous = current;
            current = secret();
            rotatedAt += ROTATE_MILLIS;
        }
    }

    public synchronized byte[] tokenFor(InetAddress asker) {
        rotateIfDue();
        return token(current, asker);
    }

    public synchronized boolean valid(byte[] token, InetAddress asker) {
        if (token == null || token.length != TOKEN_LENGTH) {
            return false;
        }
        rotateIfDue();
        // MessageDigest.isEqual is constant time: no timing oracle on the token
        return MessageDigest.isEqual(token, token(current, asker)) || MessageDigest.isEqual(token, token(previous, asker));
    }

    private static byte[] token(byte[] secret, InetAddress asker) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(secret);
            sha1.update(asker.getAddress());
            return Arrays.copyOf(sha1.digest(), TOKEN_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
