package org.btda.evaluator;

/**
 * A fixed-size distinct counter (HyperLogLog, 2^12 one-byte registers = 4 KiB, standard error about 1.6 %), with
 * linear counting for small cardinalities, where it is exact in practice. Bounded memory however many peers arrive.
 * Inputs are already uniform hashes (peer keys are HMACs), so no further hashing beyond a mix is needed.
 * Thread-safe by synchronization: one update per incoming peer is rare.
 */
final class HyperLogLog {

    private static final int P = 12;
    private static final int M = 1 << P;
    private final byte[] registers = new byte[M];

    synchronized void add(long hash) {
        long h = mix(hash);
        int index = (int) (h >>> (64 - P));
        int rank = Long.numberOfLeadingZeros((h << P) | (1L << (P - 1))) + 1;
        if (rank > registers[index]) registers[index] = (byte) rank;
    }

    synchronized long estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += 1.0 / (1L << r);
            if (r == 0) zeros++;
        }
        double alpha = 0.7213 / (1 + 1.079 / M);
        double e = alpha * M * M / sum;
        if (e <= 2.5 * M && zeros > 0) e = M * Math.log((double) M / zeros); // linear counting
        return Math.round(e);
    }

    /** First 16 hex digits of a peer key as the hash input. */
    static long hashOfHex(String hex) {
        long v = 0;
        for (int i = 0; i < Math.min(16, hex.length()); i++) v = (v << 4) | Character.digit(hex.charAt(i), 16) & 0xf;
        return v ^ hex.hashCode();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
