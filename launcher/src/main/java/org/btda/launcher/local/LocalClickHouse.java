package org.btda.launcher.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ClickHouse server under {@code <state.dir>/clickhouse}, run by {@code scripts/clickhouse.sh} (which detaches it, waits for
 * /ping and keeps a pid file). {@link #close()} stops it.
 */
public final class LocalClickHouse implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalClickHouse.class);
    // The first start may run setup (unpacking libchdb), so it gets more time than a stop.
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);
    private static final int MAX_OUTPUT = 64 * 1024;

    private final Path script;
    private final Path dataDir;
    private final int httpPort;
    private boolean running;

    private LocalClickHouse(Path script, Path dataDir, int httpPort) {
        this.script = script;
        this.dataDir = dataDir.toAbsolutePath();
        this.httpPort = httpPort;
    }

    /**
     * Starts ClickHouse on 127.0.0.1. A server left running on the same data dir by a crashed run is stopped first, so a
     * restart always gets the ports asked for.
     */
    public static LocalClickHouse start(Path home, Path dataDir, int httpPort, int tcpPort) {
        LocalClickHouse ch = new LocalClickHouse(home.resolve(BtdaHome.MARKER), dataDir, httpPort);
        ch.run(STOP_TIMEOUT, "stop", "--data", ch.dataDir.toString());
        String out = ch.run(START_TIMEOUT, "start", "--data", ch.dataDir.toString(),
                "--http-port", Integer.toString(httpPort), "--tcp-port", Integer.toString(tcpPort));
        ch.running = true;
        LOG.info("{}", out.strip());
        return ch;
    }

    /** JDBC URL of the server (HTTP interface); the database is chosen by the sink. */
    public String jdbcUrl() {
        return "jdbc:clickhouse://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        run(STOP_TIMEOUT, "stop", "--data", dataDir.toString());
    }

    private String run(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            // Read on this thread, bounded; the script's output is a few lines (a failed start prints the log tail).
            byte[] out = readBounded(p.getInputStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("clickhouse.sh " + args[0] + " did not finish within " + timeout.toSeconds() + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("clickhouse.sh " + String.join(" ", args) + " failed (" + p.exitValue() + "): "
                        + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running clickhouse.sh " + args[0], e);
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] buf = new byte[MAX_OUTPUT];
        int n = 0;
        int r;
        while ((r = in.read(buf, n, buf.length - n)) > 0) {
            n += r;
            if (n == buf.length) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                break;
            }
        }
        return java.util.Arrays.copyOf(buf, n);
    }
}
