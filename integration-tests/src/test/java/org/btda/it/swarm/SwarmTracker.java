package org.btda.it.swarm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/** One tracker process of the swarm, serving HTTP and UDP on the same address and port. */
public final class SwarmTracker implements AutoCloseable {
    private final String implementation;
    private final InetAddress address;
    private final int port;
    private final String httpAnnounce;
    private ManagedProcess process;

    private SwarmTracker(String implementation, InetAddress address, int port, String httpAnnounce) {
        this.implementation = implementation;
        this.address = address;
        this.port = port;
        this.httpAnnounce = httpAnnounce;
    }

    public String implementation() {
        return implementation;
    }

    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }

    public String httpAnnounceUrl() {
        return httpAnnounce;
    }

    public String udpAnnounceUrl() {
        return "udp://" + address.getHostAddress() + ":" + port + "/announce";
    }

    public Path log() {
        return process.log();
    }

    /**
     * opentracker as Debian builds it: whitelist mode (only listed info hashes), announce interval fixed at 30 min. It
     * chroots into its directory and drops to "nobody", so the whitelist path is relative to that root.
     */
    public static SwarmTracker opentracker(InetAddress address, int port, Path dir, List<String> infoHashesHex)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path whitelist = dir.resolve("whitelist.txt");
        Files.writeString(whitelist, String.join("\n", infoHashesHex) + "\n");
        Files.setPosixFilePermissions(whitelist, PosixFilePermissions.fromString("rw-r--r--"));
        String ip = address.getHostAddress();
        Path conf = dir.resolve("opentracker.conf");
        Files.writeString(conf, String.join("\n", "listen.tcp " + ip + ":" + port, "listen.udp " + ip + ":" + port,
                "access.whitelist /whitelist.txt", "tracker.rootdir " + dir, "tracker.user nobody", ""));
        SwarmTracker t = new SwarmTracker("opentracker", address, port,
                "http://" + ip + ":" + port + "/announce");
        t.process = ManagedProcess.start("opentracker", dir, dir.resolve("console.log"),
                List.of("opentracker", "-f", conf.toString()));
        t.awaitListening();
        return t;
    }

    /** webtorrent's bittorrent-tracker (node), HTTP + UDP, restricted to the swarm's info hashes. */
    static SwarmTracker bittorrentTracker(InetAddress address, int port, Path dir, List<String> infoHashesHex, Path nodeModules)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path server = nodeModules.resolve("bittorrent-tracker/server.js");
        if (!Files.isRegularFile(server)) {
            throw new IllegalStateException(server + " missing: run scripts/setup.sh node");
        }
        Path script = dir.resolve("bt-tracker.mjs");
        try (var in = SwarmTracker.class.getResourceAsStream("/swarm/bt-tracker.mjs")) {
            Files.write(script, in.readAllBytes());
        }
        String version = "bittorrent-tracker";
        String pkg = Files.readString(nodeModules.resolve("bittorrent-tracker/package.json"));
        var m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(pkg);
        if (m.find()) {
            version += " " + m.group(1);
        }
        SwarmTracker t = new SwarmTracker(version, address, port,
                "http://" + address.getHostAddress() + ":" + port + "/announce");
        t.process = ManagedProcess.start("bittorrent-tracker", dir, dir.resolve("console.log"),
                List.of("node", script.toString(), server.toString(), address.getHostAddress(), Integer.toString(port),
                        String.join(",", infoHashesHex)));
        t.awaitListening();
        return t;
    }

    private void awaitListening() throws InterruptedException {
        Waits.until(Duration.ofSeconds(20), process.name() + " listening", () -> {
            process.requireAlive();
            try (Socket s = new Socket(address, port)) {
                return true;
            } catch (java.net.ConnectException e) {
                return false;
            }
        });
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return implementation + " " + httpAnnounce + " + " + udpAnnounceUrl();
    }
}
