package org.btda.it.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.btda.common.config.Settings;
import org.btda.common.identity.PeerKeys;
import org.btda.common.identity.Secrets;
import org.btda.launcher.local.LocalStack;

/**
 * The btda stack of the end-to-end run: exactly what {@code btda local --config e2e/btda-e2e.properties} runs
 * (embedded broker, local ClickHouse, migrations, every service), with its state under the run dir so a restart reuses
 * it. The configuration lives in one place, the resource {@code e2e/btda-e2e.properties}; only paths and the broker
 * port are added here.
 */
final class E2eStack implements AutoCloseable {
    static final String CONFIG_RESOURCE = "/e2e/btda-e2e.properties";

    private final Path runDir;
    private final Settings settings;
    private LocalStack stack;

    E2eStack(Path runDir, Path torrentFile) throws IOException {
        this(runDir, torrentFile, CONFIG_RESOURCE);
    }

    /** With another configuration resource (one --config file per scenario). */
    E2eStack(Path runDir, Path torrentFile, String configResource) throws IOException {
        this.runDir = Files.createDirectories(runDir);
        Path config = runDir.resolve(Path.of(configResource).getFileName().toString());
        try (InputStream in = E2eStack.class.getResourceAsStream(configResource)) {
            Files.copy(in, config, StandardCopyOption.REPLACE_EXISTING);
        }
        Path torrents = Files.createDirectories(runDir.resolve("torrents"));
        Files.copy(torrentFile, torrents.resolve(torrentFile.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        this.settings = Settings.builder().file(config)
                .set(Settings.STATE_DIR.key(), runDir.resolve("state").toString())
                .set(Settings.TORRENTS_DIR.key(), torrents.toString())
                .set(Settings.KAFKA_BOOTSTRAP_SERVERS.key(), "127.0.0.1:0")
                .build();
    }

    /** One more torrent in the torrents dir (before {@link #start()}: btda monitors them all from its first scan). */
    void addTorrent(Path torrentFile) throws IOException {
        Files.copy(torrentFile, settings.get(Settings.TORRENTS_DIR).resolve(torrentFile.getFileName()),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Starts a stack on the (possibly already used) state dir; btda's own source address is put on lo first. */
    synchronized void start() throws IOException, InterruptedException {
        if (stack != null) {
            throw new IllegalStateException("already running");
        }
        ensureLocalAddress(settings.get(Settings.EVALUATOR_BIND_ADDRESS));
        ensureLocalAddress(settings.get(Settings.LISTEN_ADDRESS));
        stack = LocalStack.start(settings, Map.of("BTDA_HOME", repoRoot().toString()));
    }

    /**
     * Fails when a swarm peer sits on btda's own address: clients that allow one connection per IP (Transmission,
     * rTorrent, ctorrent) and are already connected to that peer drop every contact btda makes from there, before or
     * right after the handshake, which looks like a peer btda cannot reach.
     */
    void requireOwnAddressApartFrom(java.util.Collection<? extends org.btda.it.swarm.SwarmPeer> peers) throws IOException {
        for (String own : java.util.List.of(settings.get(Settings.EVALUATOR_BIND_ADDRESS), settings.get(Settings.LISTEN_ADDRESS))) {
            if (own.isBlank()) continue;
            InetAddress a = InetAddress.getByName(own); // a literal: no lookup
            for (org.btda.it.swarm.SwarmPeer p : peers) {
                if (p.peerAddress().getAddress().equals(a)) {
                    throw new IllegalStateException("swarm peer " + p.name() + " has btda's own address " + own);
                }
            }
        }
    }

    /** Stops the stack the way Ctrl-C does (services flush first); true when it stopped cleanly. */
    synchronized boolean stop() {
        if (stack == null) {
            return true;
        }
        try {
            return stack.stop();
        } finally {
            stack = null;
        }
    }

    synchronized boolean running() {
        return stack != null;
    }

    synchronized ClickHouseHttp clickHouse() {
        return ClickHouseHttp.fromJdbcUrl(running0().clickhouseUrl());
    }

    /** The running stack's ClickHouse URL (jdbc:clickhouse://127.0.0.1:PORT), as `btda report --clickhouse-url` takes it. */
    synchronized String clickHouseUrl() {
        return running0().clickhouseUrl();
    }

    synchronized String bootstrapServers() {
        return running0().bootstrapServers();
    }

    /** The settings as configured (paths resolved, broker port 0). */
    Settings settings() {
        return settings;
    }

    Path runDir() {
        return runDir;
    }

    /** Peer keys under the deployment secret the stack created in its state dir. */
    PeerKeys peerKeys() {
        return new PeerKeys(Secrets.loadOrCreate(settings.secretFile()));
    }

    @Override
    public void close() {
        stop();
    }

    private LocalStack running0() {
        if (stack == null) {
            throw new IllegalStateException("stack not running");
        }
        return stack;
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("btda.repo.root", "..")).toAbsolutePath().normalize();
    }

    private static void ensureLocalAddress(String address) throws IOException, InterruptedException {
        if (address.isBlank()) {
            return;
        }
        InetAddress a = InetAddress.getByName(address); // a literal: no lookup
        if (NetworkInterface.getByInetAddress(a) != null) {
            return;
        }
        // Only ever inside the swarm's namespace (lo alone): in the main namespace this address would route outside.
        var names = NetworkInterface.networkInterfaces().map(NetworkInterface::getName).toList();
        if (!names.equals(java.util.List.of("lo"))) {
            throw new IllegalStateException("not in an isolated namespace (interfaces " + names + "); not adding " + address);
        }
        Process p = new ProcessBuilder("ip", "addr", "add", address + "/32", "dev", "lo").redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("cannot add " + address + " to lo: " + new String(p.getInputStream().readAllBytes()));
        }
    }
}
