package org.btda.harvester.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real tracker process on 127.0.0.1 serving HTTP and UDP on one port: Debian's opentracker (whitelist build: the
 * info hashes must be known at start) or the npm bittorrent-tracker.
 */
public final class RealTracker implements AutoCloseable {
    public static final Path NODE_TRACKER = Path.of(System.getProperty("btda.root", ".."))
            .resolve(".cache/node/node_modules/bittorrent-tracker/bin/cmd.js").toAbsolutePath().normalize();

    private final String name;
    private final Process process;
    private final int port;
    private final Path dir;
    /** The tracker's address as a URL host: {@code 127.0.0.1} or {@code [::1]}. */
    private final String host;

    private RealTracker(String name, Process process, int port, Path dir) {
        this(name, process, port, dir, "127.0.0.1");
    }

    private RealTracker(String name, Process process, int port, Path dir, String host) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.host = host;
    }

    /** opentracker allowing exactly these info hashes (hex). */
    public static RealTracker opentracker(Collection<String> infoHashesHex) {
        try {
            Path dir = Files.createTempDirectory("btda-opentracker");
            // opentracker chroots here and drops to 'nobody' when run as root: it must be able to read the whitelist.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.write(dir.resolve("whitelist"), infoHashesHex);
            int port = Ports.freeTcpUdp();
            Process p = new ProcessBuilder("opentracker", "-i", "127.0.0.1", "-p", String.valueOf(port), "-P", String.valueOf(port),
                    "-d", dir.toString(), "-w", "whitelist")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("opentracker.log").toFile())
                    .start();
            Ports.awaitTcp(port, Duration.ofSeconds(10));
            return new RealTracker("opentracker", p, port, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start opentracker", e);
        }
    }

    /** bittorrent-tracker (node) with HTTP and UDP on 127.0.0.1. */
    public static RealTracker nodeTracker() {
        if (!Files.isRegularFile(NODE_TRACKER)) {
            throw new IllegalStateException(NODE_TRACKER + " missing: run scripts/setup.sh node");
        }
        try {
            Path dir = Files.createTempDirectory("btda-node-tracker");
            int port = Ports.freeTcpUdp();
            List<String> cmd = new ArrayList<>(List.of("node", NODE_TRACKER.toString(), "-p", String.valueOf(port), "--http", "--udp",
                    "--http-hostname", "127.0.0.1", "--udp-hostname", "127.0.0.1", "--udp6-hostname", "::1", "-q"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("tracker.log").toFile()).start();
            Ports.awaitTcp(port, Duration.ofSeconds(20));
            return new RealTracker("bittorrent-tracker", p, port, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start bittorrent-tracker", e);
        }
    }

    /**
     * bittorrent-tracker (node) reached over IPv6: HTTP and UDP on [::1] (and UDP on 127.0.0.1, which it always opens).
     * Its HTTP answers carry IPv6 peers in BEP 7 {@code peers6}.
     */
    public static RealTracker nodeTracker6() {
        if (!Files.isRegularFile(NODE_TRACKER)) {
            throw new IllegalStateException(NODE_TRACKER + " missing: run scripts/setup.sh node");
        }
        try {
            Path dir = Files.createTempDirectory("btda-node-tracker6");
            int port = Ports.freeTcpUdp();
            List<String> cmd = new ArrayList<>(List.of("node", NODE_TRACKER.toString(), "-p", String.valueOf(port), "--http", "--udp",
                    "--http-hostname", "::1", "--udp-hostname", "127.0.0.1", "--udp6-hostname", "::1", "-q"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("tracker.log").toFile()).start();
            Ports.awaitTcp(java.net.InetAddress.getByName("::1"), port, Duration.ofSeconds(20));
            return new RealTracker("bittorrent-tracker", p, port, dir, "[::1]");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start bittorrent-tracker", e);
        }
    }

    public String name() {
        return name;
    }

    public String httpAnnounce() {
        return "http://" + host + ":" + port + "/announce";
    }

    public String udpAnnounce() {
        return "udp://" + host + ":" + port + "/announce";
    }

    public String log() {
        try {
            Path f = Files.exists(dir.resolve("tracker.log")) ? dir.resolve("tracker.log") : dir.resolve("opentracker.log");
            return Files.readString(f);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
