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
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
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
 * Acceptance of IPv6 end to end: an IPv6-only swarm whose finishers btda confirms, having found them through the
 * trackers (BEP 7 {@code peers6} over HTTP, BEP 15's 18-byte entries over UDP), PEX ({@code added6}) and the DHT over
 * IPv6 (BEP 32), and having reached them over IPv6.
 *
 * <p>Every process has one address of fd00:198:18::/48 on the namespace's lo and no IPv4 address at all: a
 * bittorrent-tracker (HTTP and UDP on ::1), a DHT-only libtorrent node (::2), a libtorrent seeder (::10) announcing to
 * both tracker URLs and the DHT, and two rate-limited libtorrent leechers that join after btda (::30) knows the
 * torrent: one with the trackers and the DHT (::11), one with the DHT alone (::12), which no tracker ever hears of.
 * btda also listens, so the libtorrent peers dial in too (fresh peer id per connection, no BEP 10 {@code p}): each
 * leecher must still be exactly one confirmed peer.
 *
 * <p>{@code @Order(3)}: after the IPv4 swarm classes, which need the shared swarm's leechers early.
 */
@Tag("swarm")
@Order(3)
class Ipv6SwarmEndToEndTest {
    private static final Logger LOG = LoggerFactory.getLogger(Ipv6SwarmEndToEndTest.class);
    private static final String CONFIG_RESOURCE = "/ipv6/btda-ipv6.properties";
    private static final String PREFIX = "fd00:198:18::";
    private static final String TRACKER = PREFIX + "1";
    private static final String DHT_NODE = PREFIX + "2";
    private static final String SEEDER = PREFIX + "10";
    private static final String LEECHER_TRACKER = PREFIX + "11";
    private static final String LEECHER_DHT = PREFIX + "12";
    private static final String BTDA = PREFIX + "30";
    private static final int TRACKER_PORT = 8000;
    private static final int PEER_PORT = 6881;
    /** 128 pieces of 32 KiB = 4 MiB: ~40 s per leecher at 100 KiB/s. */
    private static final int PIECES = 128;
    private static final int RATE = 100 * 1024;
    /** Every process ends by itself after this, whatever happens to the JVM. */
    private static final int MAX_SECONDS = 300;
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
    void ipv6OnlySwarmFinishersAreConfirmedFoundThroughTrackersPexAndTheDht() throws Exception {
        requireIsolated();
        ensureAddresses(List.of(TRACKER, DHT_NODE, SEEDER, LEECHER_TRACKER, LEECHER_DHT, BTDA));
        Path run = Files.createDirectories(Path.of(System.getProperty("btda.swarm.workdir", "target/swarm"),
                "ipv6-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath());
        Map<String, String> timings = new LinkedHashMap<>();
        long t0 = System.nanoTime();

        // 1. DHT node and seeder; the seeder writes the torrent, whose hash the tracker then whitelists.
        Path peerScript = resource("/ipv6/lt-peer6.py");
        Path dhtLog = start("dht", run, List.of("/usr/bin/python3", peerScript.toString(), "dht", DHT_NODE,
                run.resolve("dht").toString(), String.valueOf(MAX_SECONDS)));
        awaitLine(dhtLog, "READY", Duration.ofSeconds(30));
        String http = "http://[" + TRACKER + "]:" + TRACKER_PORT + "/announce";
        String udp = "udp://[" + TRACKER + "]:" + TRACKER_PORT + "/announce";
        Path seedDir = run.resolve("seeder");
        Path seedLog = start("seeder", run, List.of("/usr/bin/python3", peerScript.toString(), "seed", SEEDER,
                seedDir.toString(), String.valueOf(MAX_SECONDS), DHT_NODE, String.valueOf(PIECES), http + "," + udp));
        awaitLine(seedLog, "TORRENT", Duration.ofSeconds(60));
        Matcher m = HEX.matcher(Files.readString(seedLog));
        assertThat(m.find()).as("seeder printed its info hash").isTrue();
        String infoHash = m.group(1);

        Path modules = E2eStack.repoRoot().resolve(".cache/node/node_modules").toAbsolutePath().normalize();
        Path server = modules.resolve("bittorrent-tracker/server.js");
        assertThat(server).as("bittorrent-tracker (scripts/setup.sh node)").exists();
        Path trackerLog = start("tracker", run, List.of("node", resource("/swarm/bt-tracker.mjs").toString(),
                server.toString(), TRACKER, String.valueOf(TRACKER_PORT), infoHash));
        awaitTcp(TRACKER, TRACKER_PORT, Duration.ofSeconds(20), trackerLog);
        // The seeder is findable on the DHT once the DHT node has stored its announce_peer.
        awaitLine(dhtLog, "ANNOUNCE " + infoHash + " " + SEEDER + " " + PEER_PORT, Duration.ofSeconds(75));
        timings.put("tracker, dht, seeder", ms(t0));

        // 2. btda with the .torrent (both tracker URLs) in its torrents folder.
        Path btdaDir = Files.createDirectories(run.resolve("btda"));
        Path config = btdaDir.resolve("btda-ipv6.properties");
        try (InputStream in = getClass().getResourceAsStream(CONFIG_RESOURCE)) {
            Files.copy(in, config, StandardCopyOption.REPLACE_EXISTING);
        }
        Path torrents = Files.createDirectories(btdaDir.resolve("torrents"));
        Settings settings = Settings.builder().file(config)
                .set(Settings.STATE_DIR.key(), btdaDir.resolve("state").toString())
                .set(Settings.TORRENTS_DIR.key(), torrents.toString())
                .set(Settings.KAFKA_BOOTSTRAP_SERVERS.key(), "127.0.0.1:0")
                .build();
        long t1 = System.nanoTime();
        stack = LocalStack.start(settings, Map.of("BTDA_HOME", E2eStack.repoRoot().toString()));
        ClickHouseHttp ch = ClickHouseHttp.fromJdbcUrl(stack.clickhouseUrl());
        Files.copy(seedDir.resolve("payload.torrent"), torrents.resolve("payload.torrent"));
        E2eWaits.until(Duration.ofSeconds(60), "the torrent registered in btda.torrents",
                () -> ch.count("SELECT count() FROM btda.torrents FINAL WHERE info_hash = '" + infoHash + "'") > 0);
        timings.put("btda start", ms(t1));

        // 3. the leechers, only now: btda must see them below the total and later complete.
        PeerKeys keys = new PeerKeys(Secrets.loadOrCreate(settings.secretFile()));
        String seederKey = key(keys, infoHash, SEEDER);
        String trackerLeecher = key(keys, infoHash, LEECHER_TRACKER);
        String dhtLeecher = key(keys, infoHash, LEECHER_DHT);
        List<Path> leecherLogs = List.of(
                start("leecher-tracker", run, List.of("/usr/bin/python3", peerScript.toString(), "leech", LEECHER_TRACKER,
                        run.resolve("leecher-tracker").toString(), String.valueOf(MAX_SECONDS), DHT_NODE,
                        seedDir.resolve("payload.torrent").toString(), String.valueOf(RATE))),
                start("leecher-dht", run, List.of("/usr/bin/python3", peerScript.toString(), "leech", LEECHER_DHT,
                        run.resolve("leecher-dht").toString(), String.valueOf(MAX_SECONDS), DHT_NODE,
                        seedDir.resolve("payload-dht.torrent").toString(), String.valueOf(RATE))));
        long t2 = System.nanoTime();
        for (Path log : leecherLogs) {
            awaitLine(log, "DONE", Duration.ofSeconds(150));
        }
        timings.put("leechers complete", ms(t2));

        String confirmedSql = "SELECT peer_key FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash + "'";
        long t3 = System.nanoTime();
        E2eWaits.until(Duration.ofSeconds(60), "a confirmed download of both leechers",
                () -> column(ch, confirmedSql).containsAll(Set.of(trackerLeecher, dhtLeecher)));
        timings.put("confirmed after the clients", ms(t3));
        LOG.info("IPv6 swarm timings: {}", timings);

        // Every key seen, with how it was keyed and from where: when a leecher turns up twice, this says why.
        for (String[] row : ch.rows("SELECT peer_key, identity, source, ifNull(address, ''),"
                + " ifNull(toString(ext_listen_port), '-'), count(), toString(max(pieces)) FROM btda.observations FINAL"
                + " WHERE info_hash = '" + infoHash + "' AND success GROUP BY ALL ORDER BY peer_key")) {
            LOG.info("observed key {} identity {} source {} address {} p {}: {} observations, up to {} pieces",
                    (Object[]) row);
        }
        // Each leecher is one peer, however it was met (dialled, or dialling in with a fresh peer id and no BEP 10 p):
        // by address (privacy.store-addresses), whatever the keys are.
        Map<String, String> confirmedByAddress = new LinkedHashMap<>();
        for (String[] row : ch.rows("SELECT address, arrayStringConcat(arraySort(groupUniqArray(peer_key)), ',')"
                + " FROM btda.observations FINAL WHERE info_hash = '" + infoHash + "' AND peer_key IN (" + confirmedSql
                + ") GROUP BY address")) {
            confirmedByAddress.put(row[0], row[1]);
        }
        assertThat(confirmedByAddress).as("confirmed keys by address: exactly one per leecher")
                .containsExactlyInAnyOrderEntriesOf(Map.of(LEECHER_TRACKER, trackerLeecher, LEECHER_DHT, dhtLeecher));
        assertThat(ch.rows(confirmedSql).stream().map(r -> r[0]).toList())
                .as("confirmed downloads (FINAL): each leecher exactly once, nobody else")
                .containsExactlyInAnyOrder(trackerLeecher, dhtLeecher);

        Map<String, Set<String>> sources = new LinkedHashMap<>();
        for (String[] row : ch.rows("SELECT peer_key, arrayStringConcat(arraySort(groupUniqArray(source)), ',')"
                + " FROM btda.discoveries FINAL WHERE info_hash = '" + infoHash + "' GROUP BY peer_key")) {
            sources.put(row[0], Set.of(row[1].split(",")));
        }
        LOG.info("discovery sources by peer key: {} (seeder {}, leechers {} {})", sources, seederKey, trackerLeecher,
                dhtLeecher);
        assertThat(sources.get(seederKey)).as("seeder: trackers and DHT").contains("TRACKER", "DHT");
        assertThat(sources.get(trackerLeecher)).as("leecher with trackers").contains("TRACKER");
        assertThat(sources.get(dhtLeecher)).as("DHT-only leecher: never at a tracker").contains("DHT")
                .doesNotContain("TRACKER");
        Set<String> all = new HashSet<>();
        sources.values().forEach(all::addAll);
        assertThat(all).as("some swarm peer came by PEX (added6)").contains("PEX");

        // Both tracker URLs handed out IPv6 peers: peers6 over HTTP, 18-byte entries over UDP.
        assertThat(column(ch, "SELECT DISTINCT tracker FROM btda.discoveries FINAL WHERE info_hash = '" + infoHash
                + "' AND source = 'TRACKER' AND peer_key = '" + seederKey + "'")).containsExactlyInAnyOrder(http, udp);
        // The leechers were reached over IPv6 (successful contacts), and their network is the /48 as for any IPv6 peer.
        String leechers = "('" + trackerLeecher + "', '" + dhtLeecher + "')";
        assertThat(column(ch, "SELECT DISTINCT network FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                + "' AND success AND peer_key IN " + leechers)).containsExactly("fd00:198:18::/48");
        assertThat(ch.count("SELECT count() FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                + "' AND success AND peer_key IN " + leechers)).isGreaterThanOrEqualTo(4);
    }

    private static String key(PeerKeys keys, String infoHash, String ip) throws IOException {
        InetAddress a = InetAddress.getByName(ip);
        return keys.key(infoHash, a, PEER_PORT);
    }

    private Path resource(String name) throws Exception {
        return Path.of(getClass().getResource(name).toURI());
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

    private static void awaitTcp(String ip, int port, Duration timeout, Path log) throws Exception {
        E2eWaits.until(timeout, "something listening on [" + ip + "]:" + port + " (" + log + ")", () -> {
            try (Socket s = new Socket(InetAddress.getByName(ip), port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /**
     * Adds the swarm's IPv6 addresses to lo as /128 (only that address becomes local) without duplicate address
     * detection, so they are usable at once instead of "tentative" for a second.
     */
    private static void ensureAddresses(List<String> addresses) throws IOException, InterruptedException {
        Set<InetAddress> present = NetworkInterface.getByName("lo").inetAddresses().collect(Collectors.toSet());
        for (String a : addresses) {
            InetAddress address = InetAddress.getByName(a);
            assertThat(address).isNotInstanceOf(Inet4Address.class);
            if (!present.contains(address)) {
                ip("-6", "addr", "add", a + "/128", "dev", "lo", "nodad");
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
}
