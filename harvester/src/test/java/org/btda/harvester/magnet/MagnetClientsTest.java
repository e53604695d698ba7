package org.btda.harvester.magnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.magnet.MagnetUri;
import org.btda.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same torrent, known only by its magnet link plus one seeder's address ({@code x.pe}), resolved from four client
 * implementations seeding it on loopback: libtorrent-rasterbar, aria2, rtorrent (libTorrent, answers one ut_metadata
 * request at a time) and WebTorrent. Every client has DHT, LSD, PEX and UPnP off and the torrent has no reachable
 * tracker, so each talks only to the resolver. 20 MB in 16 KiB pieces: the info dictionary spans two metadata pieces.
 */
class MagnetClientsTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path SWARM_PEER = ROOT.resolve(".cache/node/swarm-peer.mjs");

    @TempDir
    static Path work;
    private static Path data;
    private static Path torrentFile;
    private static Metainfo torrent;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void createTorrent() throws Exception {
        data = Files.createDirectories(work.resolve("data"));
        byte[] content = new byte[20_000_000];
        new SecureRandom().nextBytes(content);
        Files.write(data.resolve("payload.bin"), content);
        int pieceLength = 16384;
        int pieces = (content.length + pieceLength - 1) / pieceLength;
        byte[] hashes = new byte[pieces * 20];
        for (int i = 0; i < pieces; i++) {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(content, i * pieceLength, Math.min(pieceLength, content.length - i * pieceLength));
            System.arraycopy(sha1.digest(), 0, hashes, i * 20, 20);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("length", (long) content.length);
        info.put("name", "payload.bin");
        info.put("piece length", (long) pieceLength);
        info.put("pieces", hashes);
        torrentFile = work.resolve("payload.torrent");
        Files.write(torrentFile, Bencode.encode(Map.of("info", info)));
        torrent = Metainfo.parse(Files.readAllBytes(torrentFile));
        assertThat(torrent.rawInfoLength()).isGreaterThan(16 * 1024);
    }

    @AfterEach
    void stopClients() throws Exception {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void resolvesFromLibtorrent() throws Exception {
        Process p = start(List.of("/usr/bin/python3", resource("/magnet/lt-seed-file.py"), torrentFile.toString(),
                data.toString(), "127.66.0.1"), null);
        String ready = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(ready).as("libtorrent seeder").isNotNull().startsWith("ready ");
        assertResolvedFrom(new InetSocketAddress("127.66.0.1", Integer.parseInt(ready.split(" ")[1])));
    }

    @Test
    void resolvesFromAria2() throws Exception {
        int port = freePort();
        start(List.of("aria2c", "--no-conf", "--seed-ratio=0", "--enable-dht=false", "--enable-dht6=false",
                "--bt-enable-lpd=false", "--enable-peer-exchange=false", "--disable-ipv6=true",
                "--listen-port=" + port, "--interface=127.0.0.1", "--auto-save-interval=0", "--bt-save-metadata=false",
                "-V", "--dir", data.toString(), torrentFile.toString()), work.resolve("aria2.log"));
        assertResolvedFrom(new InetSocketAddress("127.0.0.1", port));
    }

    @Test
    void resolvesFromRtorrent() throws Exception {
        // rtorrent refuses a torrent without trackers: its copy names a closed loopback port (same info hash)
        Map<String, Object> withTracker = new LinkedHashMap<>();
        withTracker.put("announce", "http://127.0.0.1:" + freePort() + "/announce");
        withTracker.put("info", Bencode.decode(torrent.rawInfo()));
        Path rtTorrent = work.resolve("rtorrent.torrent");
        Files.write(rtTorrent, Bencode.encode(withTracker));
        assertThat(Metainfo.parse(Files.readAllBytes(rtTorrent)).infoHash()).isEqualTo(torrent.infoHash());
        Path session = Files.createDirectories(work.resolve("rt-session"));
        int port = freePort();
        Path rc = work.resolve("rtorrent.rc");
        Files.writeString(rc, String.join("\n",
                "directory.default.set = " + data,
                "session.path.set = " + session,
                "network.bind_address.set = 127.65.0.1",
                "network.port_range.set = " + port + "-" + port,
                "network.port_random.set = no",
                "dht.mode.set = disable",
                "protocol.pex.set = no",
                "trackers.use_udp.set = no",
                "system.daemon.set = true",
                "load.start_verbose = " + rtTorrent, ""));
        start(List.of("rtorrent", "-n", "-o", "import=" + rc), work.resolve("rtorrent.log"));
        assertResolvedFrom(new InetSocketAddress("127.65.0.1", port));
    }

    @Test
    void resolvesFromWebTorrent() throws Exception {
        assertThat(SWARM_PEER).as("swarm-peer.mjs (scripts/setup.sh node)").exists();
        int port = freePort();
        // leech mode on complete data: WebTorrent verifies it, reports done, and --linger keeps it seeding
        Process p = start(List.of("node", SWARM_PEER.toString(), "leech", "--torrent", torrentFile.toString(), "--dir",
                data.toString(), "--port", String.valueOf(port), "--linger"), null);
        p.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String l;
        do {
            l = out.readLine();
        } while (l != null && !l.contains("\"event\":\"done\""));
        assertThat(l).as("WebTorrent verified the data and seeds").isNotNull();
        assertResolvedFrom(new InetSocketAddress("127.0.0.1", port));
    }

    /**
     * Resolves the magnet with only {@code seeder} as x.pe. Clients still hashing their data refuse or close
     * connections, so attempts repeat until one succeeds or 60 s pass.
     */
    private void assertResolvedFrom(InetSocketAddress seeder) throws Exception {
        MagnetUri magnet = MagnetUri.parse("magnet:?xt=urn:btih:" + torrent.infoHash().hex() + "&dn=payload.bin&x.pe="
                + seeder.getHostString() + ":" + seeder.getPort());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Metainfo m = null;
        ExecutionException last = null;
        try (MagnetResolver resolver = new MagnetResolver(new MagnetOptions(1, 8 << 20, Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofSeconds(20)))) {
            while (m == null && System.nanoTime() < deadline) {
                try {
                    m = resolver.resolve(magnet, List.of()).get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    last = e;
                    Thread.sleep(300);
                }
            }
            assertThat(m).as("resolved from %s (last failure: %s)", seeder, last).isNotNull();
            assertThat(resolver.counters().resolved()).isEqualTo(1);
            assertThat(resolver.counters().hashMismatch()).isZero();
        }
        assertThat(m.infoHash()).isEqualTo(torrent.infoHash());
        assertThat(m.pieceCount()).isEqualTo(torrent.pieceCount()).isEqualTo(1221);
        assertThat(m.rawInfo()).isEqualTo(torrent.rawInfo());
    }

    private Process start(List<String> cmd, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        if (log != null) {
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
        } else {
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static String resource(String name) throws Exception {
        return Path.of(MagnetClientsTest.class.getResource(name).toURI()).toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
