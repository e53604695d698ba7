package org.btda.protocol.client;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Random;

/**
 * btda's own BEP 20 peer id: the Azureus-style prefix {@code -BD0100-} ("BD", version 0.1.0.0) followed by 12 random
 * alphanumerics, 20 ASCII bytes in all. The one generator for the harvester (which persists its id) and the evaluator
 * (one id per instance). {@link ClientIds} reads other clients' ids.
 */
public final class PeerIds {
    public static final String PREFIX = "-BD0100-";
    public static final int LENGTH = 20;
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PeerIds() {}

    /** A fresh id as text. */
    public static String generateText() {
        return generateText(RANDOM);
    }

    /** A fresh id from {@code random} (tests pass a seeded one). */
    public static String generateText(Random random) {
        StringBuilder id = new StringBuilder(LENGTH).append(PREFIX);
        while (id.length() < LENGTH) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    /** A fresh id as the 20 bytes sent on the wire. */
    public static byte[] generate() {
        return generateText().getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code text} has the shape of an id this class generates (used to check a persisted one). */
    public static boolean isOurs(String text) {
        if (text == null || text.length() != LENGTH || !text.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            if (ALPHABET.indexOf(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
