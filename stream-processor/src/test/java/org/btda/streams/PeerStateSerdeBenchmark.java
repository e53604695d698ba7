package org.btda.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Micro benchmark of the peer-state serde: ns per write and per read, and bytes per value, of format 2 (the writer of
 * the last release, kept in {@link PeerStateSerdeTest}; read by today's legacy path) against format 3. A plain main,
 * not a test: the figures depend on the machine and what else runs on it.
 *
 * <pre>
 * mvn -B -q -o -pl stream-processor -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -cp stream-processor/target/test-classes:stream-processor/target/classes:$(cat /tmp/cp.txt) org.btda.streams.PeerStateSerdeBenchmark [seconds per round]
 * </pre>
 */
final class PeerStateSerdeBenchmark {
    private static long sink;

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        PeerState longLived = PeerStateSerdeTest.full();
        longLived.samples.clear();
        for (int i = 0; i < PeerState.MAX_SAMPLES; i++) {
            longLived.samples.add(new PeerState.Sample(longLived.firstSeenAt + i * 301_234L + (i * 7919L) % 5_000, 10 + i * 5));
        }
        List<Object[]> cases = List.of(
                new Object[] {"typical (40 B endpoint, client, network, 4 samples, UUID request, scheduled)", PeerStateSerdeTest.typical()},
                new Object[] {"confirmed + enriched (city, country, coordinates, ASN, domain)", PeerStateSerdeTest.full()},
                new Object[] {"long-lived, 256 samples, enriched", longLived});
        System.out.printf("%-78s %6s %9s %9s%n", "state / format", "bytes", "write ns", "read ns");
        for (Object[] c : cases) {
            PeerState s = (PeerState) c[1];
            byte[] v2 = PeerStateSerdeTest.writeFormat2(s), v3 = PeerStateSerde.write(s);
            if (!PeerStateSerdeTest.describe(PeerStateSerde.read(v3)).equals(PeerStateSerdeTest.describe(s))
                    || !PeerStateSerdeTest.describe(PeerStateSerde.read(v2)).equals(PeerStateSerdeTest.describe(s))) {
                throw new AssertionError("round trip failed for " + c[0]);
            }
            ToLongFunction<PeerState> write2 = x -> PeerStateSerdeTest.writeFormat2(x).length;
            ToLongFunction<PeerState> write3 = x -> PeerStateSerde.write(x).length;
            ToLongFunction<byte[]> read = b -> PeerStateSerde.read(b).samples.size();
            // warm both paths up before timing either, so neither gets the other's JIT work for free
            for (int round = 0; round < 3; round++) {
                time(s, write2, seconds / 2);
                time(s, write3, seconds / 2);
                time(v2, read, seconds / 2);
                time(v3, read, seconds / 2);
            }
            double w2 = best(s, write2, seconds), w3 = best(s, write3, seconds);
            double r2 = best(v2, read, seconds), r3 = best(v3, read, seconds);
            System.out.println(c[0]);
            System.out.printf("  %-76s %6d %9.0f %9.0f%n", "format 2", v2.length, w2, r2);
            System.out.printf("  %-76s %6d %9.0f %9.0f%n", "format 3", v3.length, w3, r3);
            System.out.printf("  %-76s %5.0f%% %8.0f%% %8.0f%%%n", "format 3 / format 2", 100.0 * v3.length / v2.length,
                    100 * w3 / w2, 100 * r3 / r2);
        }
        System.out.println("(sink " + sink + ")");
    }

    /** Median of five timed rounds, ns per operation. */
    private static <T> double best(T in, ToLongFunction<T> op, double seconds) {
        List<Double> rounds = new ArrayList<>();
        for (int i = 0; i < 5; i++) rounds.add(time(in, op, seconds));
        double[] sorted = rounds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    /** Runs {@code op} in batches for about {@code seconds}; ns per call. */
    private static <T> double time(T in, ToLongFunction<T> op, double seconds) {
        long budget = (long) (seconds * 1e9), calls = 0, acc = 0;
        long start = System.nanoTime(), elapsed;
        do {
            for (int i = 0; i < 1_000; i++) acc += op.applyAsLong(in);
            calls += 1_000;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget);
        sink += acc;
        return (double) elapsed / calls;
    }

    private PeerStateSerdeBenchmark() {}
}
