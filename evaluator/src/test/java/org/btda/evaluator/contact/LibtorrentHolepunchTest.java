package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.evaluator.utp.UtpCounters;
import org.btda.evaluator.utp.UtpSocket;
import org.btda.evaluator.utp.UtpSocketConfig;
import org.btda.events.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 55 against real libtorrent (Debian's python3-libtorrent) on 127.0.0.1: a relay seeding a torrent and a leecher
 * connected to it over uTP. btda, not listening, has the leecher as a holepunch candidate, contacts the relay over
 * uTP, asks it for a rendezvous, and the leecher's uTP connection that follows is accepted and evaluated as holepunched.
 * (That the leecher is unreachable otherwise is the swarm test's part, with a real NAT: here it is simply not dialled.)
 */
class LibtorrentHolepunchTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;
    Process pair;
    BufferedReader out;
    PrintWriter in;
    UtpSocket utp;

    @AfterEach
    void stop() throws Exception {
        if (utp != null) utp.close();
        if (pair != null) {
            in.close();
            if (!pair.waitFor(10, TimeUnit.SECONDS)) pair.destroyForcibly();
        }
    }

    private String[] startPair() throws Exception {
        Path script = LibtorrentScripts.copy(dir, "holepunch_pair.py");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (System.getenv("HOLEPUNCH_DEBUG") != null) System.out.println("libtorrent alerts: " + dir.resolve("alerts.log"));
        pair = pb.start();
        out = new BufferedReader(new InputStreamReader(pair.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(new OutputStreamWriter(pair.getOutputStream(), StandardCharsets.UTF_8), true);
        String line = out.readLine();
        assertThat(line).as("libtorrent output").startsWith("READY ");
        return line.split(" ");
    }

    @Test
    void aTcpSessionNeitherAdvertisesHolepunchNorAsksForARendezvous() throws Exception {
        String[] f = startPair();
        String infoHash = f[3];
        int pieces = Integer.parseInt(f[4]);
        Holepunch hp = new Holepunch(Holepunch.Limits.DEFAULT);
        utp = new UtpSocket(new InetSocketAddress(LOOPBACK, 0), UtpSocketConfig.DEFAULT);
        hp.unreachable(infoHash, new InetSocketAddress(LOOPBACK, Integer.parseInt(f[2])));
        EvaluatorConfig config = EvaluatorConfig.defaults().withTransport(TransportMode.TCP)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (ContactEngine engine = new ContactEngine(config, new EvaluatorStats(), a -> false, a -> false, utp, hp)) {
            ContactResult r = engine.contact(new ContactTarget(HexFormat.of().parseHex(infoHash),
                    new InetSocketAddress(LOOPBACK, Integer.parseInt(f[1])), pieces)).get(60, TimeUnit.SECONDS);
            assertThat(r.failure()).as(String.valueOf(r.failureDetail())).isNull();
            assertThat(r.transport()).isEqualTo(Transport.TCP);
            assertThat(r.extMessages()).as("the relay speaks it").containsKey("ut_holepunch");
        }
        // a relay would send the target to our TCP source port, where nothing accepts uTP
        assertThat(hp.count(Holepunch.Event.RENDEZVOUS_SENT)).isZero();
        assertThat(hp.wantsRelay(infoHash)).as("the candidate waits for a uTP session").isTrue();
    }

    @Test
    void aRelayIntroducesTheLeecherAndItsConnectionIsEvaluatedAsHolepunched() throws Exception {
        String[] f = startPair();
        InetSocketAddress relay = new InetSocketAddress(LOOPBACK, Integer.parseInt(f[1]));
        InetSocketAddress leecher = new InetSocketAddress(LOOPBACK, Integer.parseInt(f[2]));
        String infoHash = f[3];
        int pieces = Integer.parseInt(f[4]);

        EvaluatorConfig config = EvaluatorConfig.defaults().withTransport(TransportMode.UTP)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(30));
        EvaluatorStats stats = new EvaluatorStats();
        Holepunch hp = new Holepunch(Holepunch.Limits.DEFAULT);
        utp = new UtpSocket(new InetSocketAddress(LOOPBACK, 0), UtpSocketConfig.DEFAULT);
        List<ContactResult> seen = new CopyOnWriteArrayList<>();
        try (IncomingListener introductions = IncomingListener.withoutServer(config, stats, 10, 2, 1000, 20_000,
                h -> h.equals(infoHash) ? new TorrentInfo(infoHash, pieces, 16384) : null, req2 -> null,
                (r, t) -> seen.add(r), (r, t) -> seen.add(r));
             ContactEngine engine = new ContactEngine(config, stats, a -> false, a -> false, utp, hp)) {
            introductions.acceptHolepunch(utp, hp);
            hp.unreachable(infoHash, leecher);
            assertThat(hp.wantsRelay(infoHash)).isTrue();

            // libtorrent answers NoSupport while the leecher's extended handshake has not reached the relay yet: the
            // candidate then comes back, and the next contact of the relay asks again (as a later revisit would)
            ContactTarget relayTarget = new ContactTarget(HexFormat.of().parseHex(infoHash), relay, pieces);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int contacts = 0;
            while (seen.stream().noneMatch(r -> r.success() && r.pieces() != null) && System.nanoTime() < deadline) {
                if (hp.wantsRelay(infoHash) && contacts < 5) {
                    ContactResult viaRelay = engine.contact(relayTarget).get(60, TimeUnit.SECONDS);
                    contacts++;
                    if (viaRelay.success()) {
                        assertThat(viaRelay.transport()).isEqualTo(Transport.UTP);
                        assertThat(viaRelay.extMessages()).containsKey("ut_holepunch");
                        assertThat(viaRelay.holepunch()).as("the relay itself was dialled").isFalse();
                    }
                }
                Thread.sleep(100);
            }
            assertThat(hp.count(Holepunch.Event.RENDEZVOUS_SENT)).isBetween(1L, (long) contacts);
            StringBuilder events = new StringBuilder();
            for (Holepunch.Event e : Holepunch.Event.values()) events.append(e).append('=').append(hp.count(e)).append(' ');
            assertThat(hp.count(Holepunch.Event.CONNECT_SOLICITED)).as("the relay's connect; " + events).isEqualTo(1);
            assertThat(hp.count(Holepunch.Event.SYN_ACCEPTED)).isEqualTo(1);
            ContactResult r = seen.stream().filter(x -> x.success() && x.pieces() != null).findFirst().orElseThrow(
                    () -> new AssertionError("no observation of the introduced leecher; utp rejections "
                            + utp.counters().rejected(UtpCounters.Rejection.SYN_NOT_LISTENING)));
            assertThat(r.holepunch()).isTrue();
            assertThat(r.transport()).isEqualTo(Transport.UTP);
            assertThat(r.extListenPort()).isEqualTo(leecher.getPort());
            assertThat(r.pieces()).isLessThan(pieces);
        }
    }
}
