package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Inet6Address;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6 peers on the wire, against a real client: libtorrent (Debian's python3-libtorrent) seeding on {@code [::1]}. The
 * evaluator dials it over IPv6, and accepts it when it dials the incoming listener on {@code [::1]}.
 */
class Ipv6ContactTest {
    private static final InetAddress LOOPBACK6 = loopback6();

    @TempDir
    Path dir;
    Process seeder;
    int port;
    String infoHashHex;
    int pieces;

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void startSeeder() throws Exception {
        Path script = LibtorrentScripts.copy(dir, "seed.py");
        seeder = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString(), "::1")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(seeder.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("seeder output").startsWith("READY ");
        String[] f = line.split(" ");
        port = Integer.parseInt(f[1]);
        infoHashHex = f[2];
        pieces = Integer.parseInt(f[3]);
    }

    @AfterEach
    void stopSeeder() throws Exception {
        seeder.getOutputStream().close();
        if (!seeder.waitFor(10, TimeUnit.SECONDS)) {
            seeder.destroyForcibly();
        }
    }

    private static EvaluatorConfig config() {
        return EvaluatorConfig.defaults().withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(20));
    }

    @Test
    void dialsAnIpv6Peer() throws Exception {
        try (ContactEngine engine = new ContactEngine(config(), new EvaluatorStats(), a -> false)) {
            ContactTarget target = new ContactTarget(HexFormat.of().parseHex(infoHashHex),
                    new InetSocketAddress(LOOPBACK6, port), pieces);
            ContactResult r = engine.contact(target).get(30, TimeUnit.SECONDS);
            assertThat(r.failure()).as(String.valueOf(r.failureDetail())).isNull();
            assertThat(r.pieces()).isEqualTo(pieces).isEqualTo(38);
            assertThat(r.extClient()).startsWith("libtorrent");
        }
    }

    @Test
    void anIpv4BindAddressDoesNotCutOffIpv6Peers() throws Exception {
        EvaluatorConfig ipv4Bound = config().withBindAddress(InetAddress.getByName("127.0.0.1"));
        try (ContactEngine engine = new ContactEngine(ipv4Bound, new EvaluatorStats(), a -> false)) {
            ContactResult r = engine.contact(new ContactTarget(HexFormat.of().parseHex(infoHashHex),
                    new InetSocketAddress(LOOPBACK6, port), pieces)).get(30, TimeUnit.SECONDS);
            assertThat(r.failure()).as(String.valueOf(r.failureDetail())).isNull();
            assertThat(r.pieces()).isEqualTo(pieces);
        }
    }

    @Test
    void acceptsAnIpv6PeerThatDialsIn() throws Exception {
        CompletableFuture<ContactResult> evaluated = new CompletableFuture<>();
        TorrentInfo torrent = new TorrentInfo(infoHashHex, pieces, 16384);
        EvaluatorStats stats = new EvaluatorStats();
        try (IncomingListener listener = new IncomingListener(config(), stats,
                new InetSocketAddress(LOOPBACK6, 0), 10, 2, hex -> hex.equals(infoHashHex) ? torrent : null,
                (result, info) -> evaluated.complete(result))) {
            OutputStream commands = seeder.getOutputStream();
            commands.write(("connect ::1 " + listener.port() + "\n").getBytes(StandardCharsets.US_ASCII));
            commands.flush();
            ContactResult r;
            try {
                r = evaluated.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no incoming session evaluated; refused "
                        + java.util.Arrays.stream(Refusal.values()).map(w -> w + "=" + stats.incomingRefused(w)).toList()
                        + ", opened " + stats.incomingOpen() + ", in flight " + stats.incomingInFlight(), e);
            }
            assertThat(r.failure()).as(String.valueOf(r.failureDetail())).isNull();
            assertThat(r.pieces()).isEqualTo(pieces);
            assertThat(r.target().address().getAddress()).isInstanceOf(Inet6Address.class).isEqualTo(LOOPBACK6);
        }
    }
}
