package org.btda.common.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.btda.common.identity.EndpointSealer;
import org.btda.common.identity.PeerKeys;
import org.btda.common.net.CidrSet;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerSource;
import org.btda.events.codec.EventCodec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prints single-thread throughput of the per-peer hot paths. Not part of the normal test run:
 * {@code mvn -o -Dbtda.target=target-common -pl common -am test -Dtest=CommonBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dbtda.excludedGroups= -Dbtda.groups=benchmark}
 */
@Tag("benchmark")
class CommonBenchmark {
    private static final String IH = "c9e15763f722f23e98a29decdfae341b98d53056";

    @Test
    void printThroughput() throws Exception {
        byte[] secret = new byte[32];
        PeerKeys keys = new PeerKeys(secret);
        EndpointSealer sealer = new EndpointSealer(secret);
        InetAddress ip = InetAddress.getByName("203.0.113.7");
        List<String> cidrs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            cidrs.add((i >>> 8 & 0xff) + "." + (i & 0xff) + ".0.0/16");
        }
        CidrSet set = CidrSet.parse(cidrs);
        Observation o = Observation.newBuilder().setInfoHash(IH).setPeerKey(keys.key(IH, ip, 1))
                .setIdentity(IdentityKind.LISTEN_PORT).setObservedAt(Instant.now()).setSource(PeerSource.TRACKER)
                .setSuccess(true).setPieces(500).setTotalPieces(1000).setPieceLength(262_144L)
                .setMessagesReceived(3).setSessionMs(1000L).setLongestGapMs(200L).build();

        int n = 300_000;
        long sink = 0;
        for (int round = 0; round < 2; round++) { // first round warms up
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += keys.key(IH, ip, i & 0xffff).length();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n / 3; i++) {
                sink += sealer.open(sealer.seal(ip, i & 0xffff)).getPort();
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += EventCodec.decode(Observation.class, EventCodec.encode(o)).getPieces();
            }
            long t3 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += set.contains(InetAddress.getByAddress(new byte[] {(byte) i, (byte) (i >> 8), 1, 2})) ? 1 : 0;
            }
            long t4 = System.nanoTime();
            if (round == 1) {
                System.out.printf("PeerKeys.key:            %,.0f ops/s%n", n / ((t1 - t0) / 1e9));
                System.out.printf("EndpointSealer seal+open: %,.0f ops/s%n", (n / 3) / ((t2 - t1) / 1e9));
                System.out.printf("EventCodec encode+decode: %,.0f ops/s (Observation, %d bytes)%n", n / ((t3 - t2) / 1e9), EventCodec.encode(o).length);
                System.out.printf("CidrSet.contains (10k):   %,.0f ops/s%n", n / ((t4 - t3) / 1e9));
            }
        }
        assertThat(sink).isPositive();
    }
}
