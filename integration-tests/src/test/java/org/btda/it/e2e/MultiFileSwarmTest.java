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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * Acceptance of per-file completion: a season-pack-like torrent of five files of different sizes, leechers that take
 * only some files and one that takes all. Each selective leecher must end with exactly the file downloads of the files
 * it finished and no whole-torrent confirmed download; the full leecher with a file download of every file and the
 * confirmed download.
 *
 * <p>A swarm of its own inside the test namespace, on /24s no other swarm test uses: opentracker (198.18.40.2:6969),
 * a libtorrent seeder (198.18.41.2) that makes the torrent, a libtorrent leecher with file priorities 0 for files
 * 0, 2 and 4 (198.18.42.2), an aria2 leecher with {@code --select-file} of files 1 and 4 (198.18.44.2), a
 * Transmission leecher with {@code files-unwanted} 1, 2 and 4 (198.18.45.2), a libtorrent
 * leecher of every file (198.18.43.2), all rate-limited so btda sees them below every file first; btda at 198.18.49.2.
 *
 * <p>{@code @Order(3)}: after the shared swarm's end-to-end test, which needs its leechers early.
 */
@Tag("swarm")
@Order(3)
class MultiFileSwarmTest {
    private static final Logger LOG = LoggerFactory.getLogger(MultiFileSwarmTest.class);
    private static final String TRACKER = "198.18.40.2";
    private static final String SEEDER = "198.18.41.2";
    private static final String LT_SELECTIVE = "198.18.42.2";
    private static final String LT_FULL = "198.18.43.2";
    private static final String ARIA2_SELECTIVE = "198.18.44.2";
    private static final String TRANSMISSION_SELECTIVE = "198.18.45.2";
    private static final String BTDA = "198.18.49.2";
    private static final int PEER_PORT = 6881;
    /** Five files of different sizes, none a multiple of the 32 KiB piece: pieces are shared between neighbours. */
    private static final List<Long> SIZES = List.of(1_200_000L, 700_000L, 1_500_000L, 450_000L, 350_000L);
    /** About 40 s for the full leecher (4.2 MB), 20-25 s for the selective ones: btda sees all of them below first. */
    private static final int RATE = 100 * 1024;
    private static final int SELECTIVE_RATE = 50 * 1024;
    private static final int MAX_SECONDS = 300;
    private static final Pattern TORRENT = Pattern.compile("TORRENT ([0-9a-f]{40}) FILES (\\d+) PIECES (\\d+)");

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
    void selectiveLeechersGetFileDownloadsOfTheirFilesOnlyAndTheFullLeecherGetsBoth() throws Exception {
        requireIsolated();
        ensureAddresses(List.of(TRACKER, SEEDER, LT_SELECTIVE, LT_FULL, ARIA2_SELECTIVE, TRANSMISSION_SELECTIVE, BTDA));
        Path run = Files.createDirectories(Path.of(System.getProperty("btda.swarm.workdir", "target/swarm"),
                "multi-file-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath());
        Map<String, String> timings = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        String announce = "http://" + TRACKER + ":6969/announce";

        // 1. the seeder makes the torrent; opentracker (whitelist mode) needs its info hash
        Path seedDir = run.resolve("seeder");
        Path seedLog = start("seeder", run, List.of("/usr/bin/python3", resource("lt-files-peer.py").toString(), "seed",
                SEEDER, seedDir.toString(), announce, String.valueOf(MAX_SECONDS),
                SIZES.stream().map(String::valueOf).collect(Collectors.joining(","))));
        String ready = awaitLine(seedLog, "TORRENT", Duration.ofSeconds(60));
        Matcher m = TORRENT.matcher(ready);
        assertThat(m.find()).as("seeder printed its torrent: " + ready).isTrue();
        String infoHash = m.group(1);
        assertThat(Integer.parseInt(m.group(2))).isEqualTo(SIZES.size());
        Path torrentFile = seedDir.resolve("pack.torrent");
        startTracker(run.resolve("tracker"), infoHash);
        awaitLine(seedLog, "READY", Duration.ofSeconds(30));
        timings.put("tracker + seeder", ms(t0));

        // 2. btda with the .torrent in its folder
        Path btdaDir = Files.createDirectories(run.resolve("btda"));
        Path config = btdaDir.resolve("btda-multi-file.properties");
        try (InputStream in = getClass().getResourceAsStream("/multi-file/btda-multi-file.properties")) {
            Files.copy(in, config, StandardCopyOption.REPLACE_EXISTING);
        }
        Path torrents = Files.createDirectories(btdaDir.resolve("torrents"));
        Files.copy(torrentFile, torrents.resolve("pack.torrent"));
        Settings settings = Settings.builder().file(config)
                .set(Settings.STATE_DIR.key(), btdaDir.resolve("state").toString())
                .set(Settings.TORRENTS_DIR.key(), torrents.toString())
                .set(Settings.KAFKA_BOOTSTRAP_SERVERS.key(), "127.0.0.1:0")
                .build();
        long t1 = System.nanoTime();
        stack = LocalStack.start(settings, Map.of("BTDA_HOME", E2eStack.repoRoot().toString()));
        ClickHouseHttp ch = ClickHouseHttp.fromJdbcUrl(stack.clickhouseUrl());
        E2eWaits.until(Duration.ofSeconds(60), "the torrent registered with its files", () -> ch.count(
                "SELECT count() FROM btda.torrent_files WHERE info_hash = '" + infoHash + "'") == SIZES.size());
        timings.put("btda start", ms(t1));
        // the file list reached ClickHouse in metainfo order, sizes included
        List<String> files = ch.rows("SELECT path, size FROM btda.torrent_files WHERE info_hash = '" + infoHash
                + "' ORDER BY file_index").stream().map(r -> r[0] + "=" + r[1]).toList();
        List<String> expectedFiles = new ArrayList<>();
        for (int i = 0; i < SIZES.size(); i++) expectedFiles.add("file" + i + ".bin=" + SIZES.get(i));      // below the torrent name "pack"
        assertThat(files).containsExactlyElementsOf(expectedFiles);

        // 3. the leechers, only now: btda must see every wanted file below and later complete
        PeerKeys keys = new PeerKeys(Secrets.loadOrCreate(settings.secretFile()));
        Map<String, String> keyOf = new LinkedHashMap<>();
        for (String ip : List.of(SEEDER, LT_SELECTIVE, LT_FULL, ARIA2_SELECTIVE, TRANSMISSION_SELECTIVE)) {
            keyOf.put(ip, keys.key(infoHash, InetAddress.getByName(ip), PEER_PORT));
        }
        Path ltSelective = start("lt-selective", run, leech(LT_SELECTIVE, run, announce, torrentFile, "0,4,0,4,0", SELECTIVE_RATE));
        Path ltFull = start("lt-full", run, leech(LT_FULL, run, announce, torrentFile, "all", RATE));
        Path aria2Dir = Files.createDirectories(run.resolve("aria2"));
        start("aria2-selective", run, List.of("aria2c", "--interface=" + ARIA2_SELECTIVE, "--listen-port=" + PEER_PORT,
                "--disable-ipv6=true", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--max-download-limit=" + SELECTIVE_RATE, "--seed-ratio=0.0",
                "--bt-require-crypto=false", "--bt-min-crypto-level=plain", "--select-file=2,5", "--dir=" + aria2Dir,
                "--file-allocation=none", "--auto-save-interval=0", "--bt-save-metadata=false", "--check-integrity=false",
                "--console-log-level=notice", "--summary-interval=1", "--log=" + aria2Dir.resolve("aria2.log"),
                "--log-level=info", "--stop=" + MAX_SECONDS, torrentFile.toString()));
        startTransmission(run.resolve("transmission"), torrentFile, "[1, 2, 4]");
        long t2 = System.nanoTime();
        awaitLine(ltSelective, "DONE", Duration.ofSeconds(120));
        awaitLine(ltFull, "DONE", Duration.ofSeconds(180));
        timings.put("libtorrent leechers complete", ms(t2));

        // libtorrent selective: files 1 and 3; aria2 (1-based --select-file 2,5): files 1 and 4; full: all five
        Map<String, Set<Integer>> expected = new TreeMap<>();
        expected.put(keyOf.get(LT_SELECTIVE), Set.of(1, 3));
        expected.put(keyOf.get(ARIA2_SELECTIVE), Set.of(1, 4));
        expected.put(keyOf.get(TRANSMISSION_SELECTIVE), Set.of(0, 3));
        expected.put(keyOf.get(LT_FULL), Set.of(0, 1, 2, 3, 4));
        String fileSql = "SELECT peer_key, arrayStringConcat(arrayMap(x -> toString(x), arraySort(groupArray(file_index))), ',')"
                + " FROM btda.file_downloads FINAL WHERE info_hash = '" + infoHash + "' GROUP BY peer_key";
        Map<String, Set<Integer>> actual = new TreeMap<>();
        long t3 = System.nanoTime();
        E2eWaits.until(Duration.ofSeconds(120), "file downloads of every leecher's files", () -> {
            actual.clear();
            for (String[] row : ch.rows(fileSql)) {
                actual.put(row[0], java.util.Arrays.stream(row[1].split(",")).map(Integer::valueOf)
                        .collect(Collectors.toCollection(TreeSet::new)));
            }
            return actual.equals(expected);
        });
        timings.put("file downloads after the clients", ms(t3));
        String confirmedSql = "SELECT peer_key FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash + "'";
        E2eWaits.until(Duration.ofSeconds(60), "the full leecher's confirmed download",
                () -> column(ch, confirmedSql).contains(keyOf.get(LT_FULL)));
        LOG.info("multi-file e2e timings: {}; file downloads {}; keys {}", timings, actual, keyOf);

        // exactly the files each leecher finished, nobody else (the seeder was never below any file)
        assertThat(actual).as("file downloads (FINAL) per peer").isEqualTo(expected);
        // one row per (peer, file) after FINAL, with the file's path and size from the registration
        assertThat(ch.count("SELECT count() FROM btda.file_downloads FINAL WHERE info_hash = '" + infoHash + "'"))
                .isEqualTo(2 + 2 + 2 + 5);
        for (String[] row : ch.rows("SELECT file_index, file_path, file_size FROM btda.file_downloads FINAL WHERE info_hash = '"
                + infoHash + "'")) {
            int f = Integer.parseInt(row[0]);
            assertThat(row[1]).isEqualTo("file" + f + ".bin");
            assertThat(Long.parseLong(row[2])).isEqualTo(SIZES.get(f));
        }
        // the whole-torrent rule is unchanged: only the full leecher is a confirmed download
        assertThat(column(ch, confirmedSql)).containsExactly(keyOf.get(LT_FULL));
        // and the study query counts the selective leechers as partial
        List<String[]> partial = ch.rows("SELECT file_downloaders, whole_torrent, partial_only FROM ("
                + "SELECT uniqExact(peer_key) AS file_downloaders, uniqExactIf(peer_key, (info_hash, peer_key) IN "
                + "(SELECT info_hash, peer_key FROM btda.confirmed_downloads FINAL)) AS whole_torrent, "
                + "file_downloaders - whole_torrent AS partial_only FROM btda.file_downloads FINAL WHERE info_hash = '"
                + infoHash + "')");
        assertThat(partial.get(0)).containsExactly("4", "1", "3");
    }

    private List<String> leech(String ip, Path run, String announce, Path torrent, String priorities, int rate)
            throws Exception {
        return List.of("/usr/bin/python3", resource("lt-files-peer.py").toString(), "leech", ip,
                run.resolve("leecher-" + ip).toString(), announce, String.valueOf(MAX_SECONDS), torrent.toString(),
                String.valueOf(rate), priorities);
    }

    /**
     * transmission-daemon on its own address, the torrent added over RPC with {@code files-unwanted} (0-based indices),
     * rate-limited like the other selective leechers (Transmission counts kB of 1000 bytes).
     */
    private void startTransmission(Path dir, Path torrent, String unwanted) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        String ip = TRANSMISSION_SELECTIVE;
        Files.writeString(config.resolve("settings.json"), "{\n"
                + "\"bind-address-ipv4\": \"" + ip + "\", \"bind-address-ipv6\": \"::1\",\n"
                + "\"peer-port\": " + PEER_PORT + ", \"peer-port-random-on-start\": false,\n"
                + "\"port-forwarding-enabled\": false, \"dht-enabled\": false, \"lpd-enabled\": false,\n"
                + "\"pex-enabled\": false, \"utp-enabled\": false, \"blocklist-enabled\": false, \"encryption\": 0,\n"
                + "\"rpc-enabled\": true, \"rpc-bind-address\": \"" + ip + "\", \"rpc-port\": 9091,\n"
                + "\"rpc-whitelist-enabled\": false, \"rpc-authentication-required\": false, \"rpc-host-whitelist-enabled\": false,\n"
                + "\"download-dir\": \"" + downloads + "\", \"incomplete-dir-enabled\": false,\n"
                + "\"speed-limit-down-enabled\": true, \"speed-limit-down\": " + SELECTIVE_RATE / 1000 + ",\n"
                + "\"speed-limit-up-enabled\": false, \"alt-speed-enabled\": false, \"ratio-limit-enabled\": false,\n"
                + "\"idle-seeding-limit-enabled\": false, \"start-added-torrents\": true, \"watch-dir-enabled\": false,\n"
                + "\"message-level\": 2\n}\n");
        start("transmission-selective", dir, List.of("transmission-daemon", "-f", "-g", config.toString(),
                "-e", dir.resolve("transmission.log").toString()));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create("http://" + ip + ":9091/transmission/rpc");
        String[] session = {""};
        String body = "{\"method\":\"torrent-add\",\"arguments\":{\"filename\":\"" + torrent + "\",\"download-dir\":\""
                + downloads + "\",\"paused\":false,\"files-unwanted\":" + unwanted + "}}";
        String[] answer = {null};
        E2eWaits.until(Duration.ofSeconds(30), "transmission-daemon took the torrent", () -> {
            java.net.http.HttpResponse<String> r;
            try {
                r = http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                        .header("X-Transmission-Session-Id", session[0])
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return false;       // not listening yet
            }
            if (r.statusCode() == 409) {        // CSRF handshake: retry with the id it hands out
                session[0] = r.headers().firstValue("X-Transmission-Session-Id").orElse("");
                return false;
            }
            answer[0] = r.body();
            return r.statusCode() == 200;
        });
        assertThat(answer[0]).as("torrent-add").contains("\"success\"");
    }

    /** opentracker in whitelist mode, as the shared swarm runs it (chroot into its directory, user nobody). */
    private void startTracker(Path dir, String infoHash) throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path whitelist = dir.resolve("whitelist.txt");
        Files.writeString(whitelist, infoHash + "\n");
        Files.setPosixFilePermissions(whitelist, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path conf = dir.resolve("opentracker.conf");
        Files.writeString(conf, String.join("\n", "listen.tcp " + TRACKER + ":6969", "listen.udp " + TRACKER + ":6969",
                "access.whitelist /whitelist.txt", "tracker.rootdir " + dir, "tracker.user nobody", ""));
        start("tracker", dir, List.of("opentracker", "-f", conf.toString()));
        E2eWaits.until(Duration.ofSeconds(20), "opentracker listening", () -> {
            try (java.net.Socket s = new java.net.Socket(TRACKER, 6969)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private Path resource(String name) throws Exception {
        return Path.of(getClass().getResource("/multi-file/" + name).toURI());
    }

    /** Starts a process in its own process group (setsid), output in a log; stdin stays a pipe (scripts end at EOF). */
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
                Process p = new ProcessBuilder("ip", "addr", "add", a + "/32", "dev", "lo").redirectErrorStream(true).start();
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IOException("ip addr add " + a + " failed: " + new String(p.getInputStream().readAllBytes()));
                }
            }
        }
    }
}
