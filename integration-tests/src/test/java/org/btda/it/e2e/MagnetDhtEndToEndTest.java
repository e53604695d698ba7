package org.btda.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btda.it.e2e.E2eProcesses.column;
import static org.btda.it.e2e.E2eProcesses.ms;
import static org.btda.it.e2e.E2eProcesses.awaitLine;
import static org.btda.it.e2e.E2eProcesses.stopGroup;
import static org.btda.it.e2e.E2eProcesses.signalGroup;
import static org.btda.it.e2e.E2eProcesses.requireIsolated;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.btda.common.config.Settings;
import org.btda.common.identity.PeerKeys;
import org.btda.common.identity.Secrets;
import org.btda.launcher.local.LocalStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance of the DHT/magnet issue: a torrent known only by its magnet link, with no tracker anywhere, still yields
 * confirmed downloads from the peers the DHT hands out.
 *
 * <p>A DHT-only swarm of its own inside the test namespace, on /24s no other swarm test uses: four private bittorrent-dht
 * nodes (198.18.20-23.2:6881, bootstrapped only to each other), one libtorrent seeder (198.18.25.2) and two rate-limited
 * libtorrent leechers (198.18.26.2, 198.18.27.2), all with the DHT bootstrapped only to the private nodes and a
 * torrent without announce URL. btda (198.18.29.2, its own state dir) gets nothing but the magnet link: it must find the
 * seeder through the DHT, fetch the info dictionary from it, then find the leechers by its periodic DHT lookups.
 *
 * <p>{@code @Order(2)}: runs after {@link SwarmEndToEndTest}, which needs the shared swarm's leechers early.
 */
@Tag("swarm")
@Order(2)
class MagnetDhtEndToEndTest {
    private static final Logger LOG = LoggerFactory.getLogger(MagnetDhtEndToEndTest.class);
    private static final String CONFIG_RESOURCE = "/magnet-dht/btda-magnet-dht.properties";
    private static final List<String> DHT_NODES = List.of("198.18.20.2", "198.18.21.2", "198.18.22.2", "198.18.23.2");
    private static final String SEEDER = "198.18.25.2";
    private static final List<String> LEECHERS = List.of("198.18.26.2", "198.18.27.2");
    private static final String BTDA = "198.18.29.2";
    private static final int PEER_PORT = 6881;
    /** 192 pieces of 32 KiB = 6 MiB: ~60 s per leecher at 100 KiB/s. */
    private static final int PIECES = 192;
    private static final int RATE = 100 * 1024;
    /** Every process ends by itself after this, whatever happens to the JVM. */
    private static final int MAX_SECONDS = 420;
    private static final Pattern HEX = Pattern.compile("TORRENT ([0-9a-f]{40})");

    private final List<Process> processes = new ArrayList<>();
    private LocalStack stack;

    @AfterEach
    void stopEverything() {
        if (stack != null) {
            stack.stop();
        }
        for (Process p : processes) {
            stopGroup(p);
        }
    }

    @Test
    void magnetOnlyTorrentWithoutTrackerYieldsConfirmedDownloadsFromDhtPeers() throws Exception {
        requireIsolated();
        List<String> all = new ArrayList<>(DHT_NODES);
        all.add(SEEDER);
        all.addAll(LEECHERS);
        all.add(BTDA);
        ensureAddresses(all);
        Path run = Files.createDirectories(Path.of(System.getProperty("btda.swarm.workdir", "target/swarm"),
                "magnet-dht-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath());
        Map<String, String> timings = new LinkedHashMap<>();
        long t0 = System.nanoTime();

        // 1. private DHT, then the seeder, whose announce must be stored before btda looks for it.
        Path modules = EndToEndPaths.nodeModules();
        assertThat(modules.resolve("bittorrent-dht/index.js")).as("bittorrent-dht (scripts/setup.sh node)").exists();
        List<String> dhtCmd = new ArrayList<>(List.of("node", resource("private-dht.mjs").toString(),
                modules.resolve("bittorrent-dht").toString(), String.valueOf(MAX_SECONDS)));
        dhtCmd.addAll(DHT_NODES);
        Path dhtLog = start("dht", run, dhtCmd);
        awaitLine(dhtLog, "\"ready\":true", Duration.ofSeconds(30));
        String bootstrap = DHT_NODES.subList(0, 2).stream().map(a -> a + ":" + PEER_PORT).collect(Collectors.joining(","));

        Path seedDir = run.resolve("seeder");
        Path seedLog = start("seeder", run, List.of("/usr/bin/python3", resource("lt-dht-peer.py").toString(), "seed", SEEDER,
                seedDir.toString(), bootstrap, String.valueOf(MAX_SECONDS), String.valueOf(PIECES)));
        String ready = awaitLine(seedLog, "READY", Duration.ofSeconds(75));
        Matcher m = HEX.matcher(Files.readString(seedLog));
        assertThat(m.find()).as("seeder printed its info hash: " + ready).isTrue();
        String infoHash = m.group(1);
        Path torrentFile = seedDir.resolve("payload.torrent");
        timings.put("dht + seeder announced", ms(t0));

        // 2. btda with the magnet link alone: no .torrent file, no tr= (and no tracker exists at all).
        Path btdaDir = Files.createDirectories(run.resolve("btda"));
        Path config = btdaDir.resolve("btda-magnet-dht.properties");
        try (InputStream in = getClass().getResourceAsStream(CONFIG_RESOURCE)) {
            Files.copy(in, config, StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(Files.readString(config)).contains("dht.bootstrap = " + bootstrap);
        Path magnets = btdaDir.resolve("magnets.txt");
        Files.writeString(magnets, "magnet:?xt=urn:btih:" + infoHash + "&dn=payload.bin\n");
        Settings settings = Settings.builder().file(config)
                .set(Settings.STATE_DIR.key(), btdaDir.resolve("state").toString())
                .set(Settings.TORRENTS_DIR.key(), Files.createDirectories(btdaDir.resolve("torrents")).toString())
                .set(Settings.MAGNETS_FILE.key(), magnets.toString())
                .set(Settings.KAFKA_BOOTSTRAP_SERVERS.key(), "127.0.0.1:0")
                .build();
        long t1 = System.nanoTime();
        stack = LocalStack.start(settings, Map.of("BTDA_HOME", E2eStack.repoRoot().toString()));
        ClickHouseHttp ch = ClickHouseHttp.fromJdbcUrl(stack.clickhouseUrl());
        timings.put("btda start", ms(t1));
        long t2 = System.nanoTime();
        E2eWaits.until(Duration.ofSeconds(60), "the magnet registered in btda.torrents",
                () -> ch.count("SELECT count() FROM btda.torrents FINAL WHERE info_hash = '" + infoHash + "'") > 0);
        timings.put("magnet resolved", ms(t2));
        List<String[]> torrent = ch.rows("SELECT source, piece_count FROM btda.torrents FINAL WHERE info_hash = '" + infoHash + "'");
        assertThat(torrent).hasSize(1);
        assertThat(torrent.get(0)[0]).isEqualTo("MAGNET");
        assertThat(Long.parseLong(torrent.get(0)[1])).isEqualTo(PIECES);

        // 3. the leechers, only now: btda must see them below the total and later complete.
        PeerKeys keys = new PeerKeys(Secrets.loadOrCreate(settings.secretFile()));
        String seederKey = keys.key(infoHash, InetAddress.getByName(SEEDER), PEER_PORT);
        Set<String> leecherKeys = new HashSet<>();
        List<Path> leecherLogs = new ArrayList<>();
        for (int i = 0; i < LEECHERS.size(); i++) {
            String ip = LEECHERS.get(i);
            leecherKeys.add(keys.key(infoHash, InetAddress.getByName(ip), PEER_PORT));
            leecherLogs.add(start("leecher" + i, run, List.of("/usr/bin/python3", resource("lt-dht-peer.py").toString(), "leech",
                    ip, run.resolve("leecher" + i).toString(), bootstrap, String.valueOf(MAX_SECONDS), torrentFile.toString(),
                    String.valueOf(RATE))));
        }
        long t3 = System.nanoTime();
        for (Path log : leecherLogs) {
            awaitLine(log, "DONE", Duration.ofSeconds(150));
        }
        timings.put("leechers complete", ms(t3));

        String confirmedSql = "SELECT peer_key FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash + "'";
        long t4 = System.nanoTime();
        E2eWaits.until(Duration.ofSeconds(60), "a confirmed download of both leechers",
                () -> column(ch, confirmedSql).containsAll(leecherKeys));
        timings.put("confirmed after the clients", ms(t4));
        LOG.info("magnet/DHT e2e timings: {}", timings);

        List<String> confirmed = new ArrayList<>(column(ch, confirmedSql));
        assertThat(confirmed).as("confirmed downloads (FINAL): each leecher exactly once, nobody else")
                .containsExactlyInAnyOrderElementsOf(leecherKeys).doesNotContain(seederKey);

        // Every swarm peer reached btda through the DHT (the clients may also pass each other on by PEX); no tracker.
        Map<String, List<String>> sources = new LinkedHashMap<>();
        for (String[] row : ch.rows("SELECT peer_key, arrayStringConcat(arraySort(groupUniqArray(source)), ',')"
                + " FROM btda.discoveries FINAL WHERE info_hash = '" + infoHash + "' GROUP BY peer_key")) {
            sources.put(row[0], List.of(row[1].split(",")));
        }
        LOG.info("discovery sources by peer key: {} (seeder {}, leechers {})", sources, seederKey, leecherKeys);
        assertThat(sources.get(seederKey)).as("seeder discovery sources").contains("DHT").doesNotContain("TRACKER");
        for (String k : leecherKeys) {
            assertThat(sources.get(k)).as("leecher " + k + " discovery sources").contains("DHT").doesNotContain("TRACKER");
        }
        // Periodic DHT lookups were recorded for the torrent, and no tracker was ever asked.
        assertThat(ch.count("SELECT count() FROM btda.harvest_requests WHERE info_hash = '" + infoHash
                + "' AND kind = 'DHT_LOOKUP'")).isGreaterThanOrEqualTo(2);
        assertThat(ch.count("SELECT count() FROM btda.harvest_requests WHERE info_hash = '" + infoHash
                + "' AND kind IN ('ANNOUNCE', 'SCRAPE')")).isZero();
    }

    private Path resource(String name) throws Exception {
        return Path.of(getClass().getResource("/magnet-dht/" + name).toURI());
    }

    /**
     * Starts a process in its own process group (setsid) with stdout+stderr in a log; stdin stays a pipe so the scripts
     * also end when this JVM goes away.
     */
    private Path start(String name, Path run, List<String> command) throws IOException {
        Path log = run.resolve(name + ".log");
        List<String> full = new ArrayList<>();
        full.add("setsid");
        full.addAll(command);
        Process p = new ProcessBuilder(full).directory(run.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectErrorStream(true).start();
        processes.add(p);
        return log;
    }

    private static void ensureAddresses(List<String> addresses) throws IOException, InterruptedException {
        Set<InetAddress> present = NetworkInterface.getByName("lo").inetAddresses().collect(Collectors.toSet());
        for (String a : addresses) {
            if (!present.contains(InetAddress.getByName(a))) {
                ip("addr", "add", a + "/32", "dev", "lo");
            }
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(cmd + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }

    /** Where scripts/setup.sh put the node modules (bittorrent-dht). */
    private static final class EndToEndPaths {
        static Path nodeModules() {
            String configured = System.getProperty("btda.node.modules");
            return (configured != null ? Path.of(configured) : E2eStack.repoRoot().resolve(".cache/node/node_modules"))
                    .toAbsolutePath().normalize();
        }
    }
}
