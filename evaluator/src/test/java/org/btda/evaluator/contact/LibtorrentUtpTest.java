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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.evaluator.utp.UtpSocket;
import org.btda.evaluator.utp.UtpSocketConfig;
import org.btda.events.FailureReason;
import org.btda.events.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uTP (BEP 29) against a real client: libtorrent (Debian's python3-libtorrent) on 127.0.0.1 with TCP disabled both
 * ways, contacted by the engine and dialling in to the listener.
 */
class LibtorrentUtpTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;
    Process client;
    BufferedReader out;
    PrintWriter in;
    UtpSocket utp;

    private String[] start(String script) throws Exception {
        Path file = LibtorrentScripts.copy(dir, script);
        client = new ProcessBuilder("/usr/bin/python3", file.toString(), dir.toString(), "--utp-only")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8), true);
        String line = out.readLine();
        assertThat(line).as("libtorrent output").startsWith("READY ");
        return line.split(" ");
    }

    private String ask(String command) throws Exception {
        in.println(command);
        return out.readLine();
    }

    @AfterEach
    void stop() throws Exception {
        if (utp != null) utp.close();
        if (client != null) {
            in.close();
            if (!client.waitFor(10, TimeUnit.SECONDS)) client.destroyForcibly();
        }
    }

    private static EvaluatorConfig config(TransportMode mode) {
        return EvaluatorConfig.defaults().withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(20))
                .withTransport(mode);
    }

    @Test
    void autoModeReachesAUtpOnlySeedAfterTcpFailsAndRemembersIt() throws Exception {
        String[] f = start("seed.py");
        ContactTarget target = new ContactTarget(HexFormat.of().parseHex(f[2]),
                new InetSocketAddress(LOOPBACK, Integer.parseInt(f[1])), Integer.parseInt(f[3]));
        utp = new UtpSocket(new InetSocketAddress(LOOPBACK, 0), UtpSocketConfig.DEFAULT);
        EvaluatorStats stats = new EvaluatorStats();
        try (ContactEngine tcpOnly = new ContactEngine(config(TransportMode.TCP), stats, a -> false, utp)) {
            ContactResult r = tcpOnly.contact(target).get(30, TimeUnit.SECONDS);
            assertThat(r.success()).as("libtorrent with TCP off must not complete a TCP handshake").isFalse();
            assertThat(r.transport()).isEqualTo(Transport.TCP);
        }
        try (ContactEngine engine = new ContactEngine(config(TransportMode.AUTO), stats, a -> false, utp)) {
            ContactResult r = engine.contact(target).get(60, TimeUnit.SECONDS);
            assertThat(r.failure()).as(String.valueOf(r.failureDetail())).isNull();
            assertThat(r.transport()).isEqualTo(Transport.UTP);
            assertThat(r.pieces()).isEqualTo(38);
            assertThat(r.extClient()).startsWith("libtorrent");
            assertThat(engine.transportMemory().preferred(target.address())).isEqualTo(Transport.UTP);

            // uTP connections share our port, so libtorrent drops a second one from the same endpoint as a duplicate
            // while it still holds the first: wait until it let go (a revisit comes minutes later)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!"PEERS 0".equals(ask("PEERS")) && System.nanoTime() < deadline) Thread.sleep(100);
            assertThat(ask("PEERS")).isEqualTo("PEERS 0");
            // the second contact goes over uTP straight away
            ContactResult again = engine.contact(target).get(60, TimeUnit.SECONDS);
            assertThat(again.failure()).as(String.valueOf(again.failureDetail())).isNull();
            assertThat(again.transport()).isEqualTo(Transport.UTP);
            assertThat(again.pieces()).isEqualTo(38);
            assertThat(again.sessionMillis()).isLessThan(r.sessionMillis() + 20_000);
        }
        assertThat(utp.counters().rejected(org.btda.evaluator.utp.UtpCounters.Rejection.MALFORMED)).isZero();
    }

    @Test
    void utpModeAgainstAClosedPortTimesOutAsAConnectFailure() throws Exception {
        utp = new UtpSocket(new InetSocketAddress(LOOPBACK, 0), UtpSocketConfig.DEFAULT);
        UtpSocket silent = new UtpSocket(new InetSocketAddress(LOOPBACK, 0), UtpSocketConfig.DEFAULT);
        try (ContactEngine engine = new ContactEngine(config(TransportMode.UTP), new EvaluatorStats(), a -> false, utp)) {
            ContactResult r = engine.contact(new ContactTarget(new byte[20], silent.localAddress(), 5)).get(30, TimeUnit.SECONDS);
            assertThat(r.failure()).isEqualTo(FailureReason.CONNECT_TIMEOUT);
            assertThat(r.transport()).isEqualTo(Transport.UTP);
        } finally {
            silent.close();
        }
    }

    @Test
    void aUtpOnlyPeerDiallingInIsEvaluatedOverUtp() throws Exception {
        String[] f = start("peer.py");
        String infoHash = f[2];
        int pieces = Integer.parseInt(f[3]);
        CompletableFuture<ContactResult> seen = new CompletableFuture<>();
        EvaluatorStats stats = new EvaluatorStats();
        try (IncomingListener listener = new IncomingListener(config(TransportMode.AUTO), stats,
                new InetSocketAddress(LOOPBACK, 0), 10, 2, h -> h.equals(infoHash) ? new TorrentInfo(infoHash, pieces, 16384) : null,
                (r, t) -> seen.complete(r))) {
            utp = new UtpSocket(listener.localAddress(), UtpSocketConfig.DEFAULT);
            listener.acceptUtp(utp);
            in.println("CONNECT " + listener.port());
            assertThat(out.readLine()).isEqualTo("OK");
            ContactResult r = seen.get(60, TimeUnit.SECONDS);
            assertThat(r.failure()).as(String.valueOf(r.failureDetail())).isNull();
            assertThat(r.transport()).isEqualTo(Transport.UTP);
            assertThat(r.pieces()).isEqualTo(38);
            assertThat(r.extListenPort()).isEqualTo(Integer.parseInt(f[1]));
            assertThat(utp.counters().accepted()).isEqualTo(1);
        }
    }
}
