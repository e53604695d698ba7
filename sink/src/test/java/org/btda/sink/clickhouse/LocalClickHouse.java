package org.btda.sink.clickhouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.btda.common.config.Settings;
import org.btda.sink.SinkConfig;

/**
 * A real ClickHouse (libchdb) for tests, started through {@code scripts/clickhouse.sh} on free loopback ports with a
 * temporary data directory. {@link #shared()} gives one per JVM, stopped by a shutdown hook (and, should the JVM
 * die hard, by the server itself, which watches this JVM's pid). {@link #stop()} / {@link #start()} restart it on
 * the same data directory and ports, for outage and persistence tests.
 */
public final class LocalClickHouse {
    /** First start may run {@code scripts/setup.sh clickhouse}, which fetches the library. */
    private static final long SCRIPT_TIMEOUT_S = 600;
    private static LocalClickHouse shared;

    private final Path root;
    private final Path dataDir;
    private final int httpPort;
    private final int tcpPort;
    private boolean running;

    private LocalClickHouse(Path root, Path dataDir, int httpPort, int tcpPort) {
        this.root = root;
        this.dataDir = dataDir;
        this.httpPort = httpPort;
        this.tcpPort = tcpPort;
    }

    /** The JVM-wide instance, started on first use. */
    public static synchronized LocalClickHouse shared() {
        if (shared == null) {
            LocalClickHouse ch = create();
            ch.start();
            Runtime.getRuntime().addShutdownHook(new Thread(ch::destroy, "local-clickhouse-stop"));
            shared = ch;
        }
        return shared;
    }

    /** A new, not yet started instance with its own temporary data directory; the caller stops it. */
    public static LocalClickHouse create() {
        try {
            Path dir = Files.createTempDirectory("btda-clickhouse-");
            return new LocalClickHouse(repoRoot(), dir, freePort(), freePort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        run("start", "--data", dataDir.toString(), "--http-port", Integer.toString(httpPort),
                "--tcp-port", Integer.toString(tcpPort), "--watch-pid", Long.toString(ProcessHandle.current().pid()));
        running = true;
    }

    public synchronized void stop() {
        if (!running) {
            return;
        }
        run("stop", "--data", dataDir.toString());
        running = false;
    }

    public synchronized boolean isRunning() {
        return running;
    }

    public String jdbcUrl() {
        return jdbcUrl(ClickHouseMigrations.DATABASE);
    }

    public String jdbcUrl(String database) {
        return ClickHouseConnections.url("127.0.0.1", httpPort, database);
    }

    public String user() {
        return "default";
    }

    public String password() {
        return "";
    }

    /** The sink's config from {@code settings}, pointed at this server. */
    public SinkConfig sinkConfig(Settings settings) {
        return SinkConfig.from(settings).withClickHouse(jdbcUrl(), user(), password());
    }

    /** Migration parameters with the settings registry's defaults (observations.retention-days, ...). */
    public static Map<String, String> defaultMigrationParams() {
        return SinkConfig.from(Settings.defaults()).migrationParams();
    }

    public Connection connect() throws SQLException {
        return ClickHouseConnections.open(jdbcUrl(), user(), password());
    }

    public int httpPort() {
        return httpPort;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * The pid of the server process (scripts/clickhouse-server.py hosting libchdb) while it runs, for CPU figures; the
     * server is started with setsid, so it is not among this JVM's descendants.
     */
    public long pid() {
        try {
            return Long.parseLong(Files.readString(dataDir.resolve("clickhouse.pid"), StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("no pid file under " + dataDir + " (server not running?)", e);
        }
    }

    /** The repository root: the nearest ancestor of the working directory holding scripts/clickhouse.sh. */
    public static Path repoRoot() {
        String configured = System.getProperty("btda.root", System.getenv("BTDA_ROOT"));
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath();
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/clickhouse.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("scripts/clickhouse.sh not found above " + Paths.get("").toAbsolutePath());
    }

    /** Stops the server and deletes its data directory (for instances from {@link #create()}). */
    public void destroy() {
        try {
            stop();
        } catch (RuntimeException e) {
            System.err.println("local ClickHouse did not stop cleanly: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the directory is under the system temp dir
        }
    }

    private void run(String... args) {
        Path script = root.resolve("scripts/clickhouse.sh");
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("btda-clickhouse-sh-", ".log");
            try {
                Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                if (!p.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", cmd) + " timed out");
                }
                String out = Files.readString(log, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
                }
                System.err.print(out);
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
