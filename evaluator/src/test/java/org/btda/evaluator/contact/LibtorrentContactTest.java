package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.protocol.client.ClientIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contact engine against a real client: libtorrent (Debian's python3-libtorrent) seeding on 127.0.0.1. */
class LibtorrentContactTest {

    @TempDir
    Path dir;
    Process seeder;
    int port;
    byte[] infoHash;
    int pieces;

    @BeforeEach
    void startSeeder() throws Exception {
        Path script = LibtorrentScripts.copy(dir, "seed.py");
        seeder = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(seeder.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("seeder output").startsWith("READY ");
        String[] f = line.split(" ");
        port = Integer.parseInt(f[1]);
        infoHash = HexFormat.of().parseHex(f[2]);
        pieces = Integer.parseInt(f[3]);
    }

    @AfterEach
    void stopSeeder() throws Exception {
        seeder.getOutputStream().close();
        if (!seeder.waitFor(10, TimeUnit.SECONDS)) seeder.destroyForcibly();
    }

    @Test
    void seedingLibtorrentReportsEveryPiece() throws Exception {
        EvaluatorStats stats = new EvaluatorStats();
        EvaluatorConfig cfg = EvaluatorConfig.defaults()
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(20));
        try (ContactEngine engine = new ContactEngine(cfg, stats, a -> false)) {
            ContactTarget target = new ContactTarget(infoHash, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), pieces);
            ContactResult r = engine.contact(target).get(30, TimeUnit.SECONDS);
            assertThat(r.failure()).as(String.valueOf(r.failureDetail())).isNull();
            assertThat(r.pieces()).isEqualTo(pieces).isEqualTo(38);
            assertThat(r.extClient()).startsWith("libtorrent");
            assertThat(r.extMessages()).containsKey("ut_pex");
            assertThat(ClientIds.describe(r.peerId())).isNotEqualTo(ClientIds.UNKNOWN);
            // libtorrent speaks both extensions, so it also got our extended handshake and have_none
            assertThat(r.reserved()[5] & 0x10).isNotZero();
            assertThat(r.reserved()[7] & 0x04).isNotZero();

            // a second contact from the same address works (allow_multiple_connections_per_ip) and sees the same torrent state
            ContactResult again = engine.contact(target).get(30, TimeUnit.SECONDS);
            assertThat(again.pieces()).isEqualTo(pieces);
            // libtorrent randomises the id's tail per connection; the BEP 20 client prefix stays
            assertThat(java.util.Arrays.copyOf(again.peerId(), 8)).isEqualTo(java.util.Arrays.copyOf(r.peerId(), 8));
        }
    }
}
