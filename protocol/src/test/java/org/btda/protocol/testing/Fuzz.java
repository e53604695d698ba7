package org.btda.protocol.testing;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The shared shape of btda's codec fuzz tests: a fixed seed (a failure reproduces), a bounded number of inputs, a mix
 * of random bytes and mutations of valid messages. The test's check decides what may escape; anything else fails the
 * run with the input in hex.
 */
public final class Fuzz {
    private Fuzz() {}

    /** Feeds {@code inputs} inputs to {@code check}: every fourth random bytes, the rest a mutated seed. */
    public static void run(long seed, int inputs, List<byte[]> seeds, int maxRandomLength, Consumer<byte[]> check) {
        Random random = new Random(seed);
        for (int i = 0; i < inputs; i++) {
            byte[] input = i % 4 == 0 ? randomBytes(random, maxRandomLength) : mutate(seeds.get(random.nextInt(seeds.size())), random);
            try {
                check.accept(input);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("input " + i + " (seed " + seed + "): " + HexFormat.of().formatHex(input), e);
            }
        }
    }

    public static byte[] randomBytes(Random r, int maxLength) {
        byte[] b = new byte[r.nextInt(maxLength + 1)];
        r.nextBytes(b);
        if (b.length > 0 && r.nextBoolean()) {
            b[0] = 'd'; // looks like a bencoded dictionary: gets past the first check of most decoders
        }
        return b;
    }

    /** One of: a replaced byte, truncation, a bencode structure byte, random bytes appended, a few bit flips. */
    public static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        if (b.length == 0) {
            return randomBytes(r, 16);
        }
        switch (r.nextInt(5)) {
            case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 2 -> b[r.nextInt(b.length)] = (byte) "0123456789:ilde".charAt(r.nextInt(15));
            case 3 -> {
                byte[] longer = Arrays.copyOf(b, b.length + 1 + r.nextInt(64));
                for (int i = b.length; i < longer.length; i++) {
                    longer[i] = (byte) r.nextInt(256);
                }
                b = longer;
            }
            default -> {
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
        }
        return b;
    }
}
