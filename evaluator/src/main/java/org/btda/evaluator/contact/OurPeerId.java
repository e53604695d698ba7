package org.btda.evaluator.contact;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * btda's own peer id: BEP 20 Azureus-style prefix {@code -BD0100-} followed by 12 random alphanumerics. Generated once per
 * evaluator instance and kept for its lifetime, so peers see one stable identity per instance.
 */
public final class OurPeerId {

    public static final String PREFIX = "-BD0100-";
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    private OurPeerId() {
    }

    public static byte[] generate() {
        SecureRandom rnd = new SecureRandom();
        StringBuilder sb = new StringBuilder(PREFIX);
        while (sb.length() < 20) sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
