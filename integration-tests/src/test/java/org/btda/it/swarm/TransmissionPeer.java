package org.btda.it.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** transmission-daemon, controlled over its JSON RPC on its own address. Also used for the seeder. */
final class TransmissionPeer extends ClientPeer {
    private static final int RPC_PORT = 9091;
    /** settings.json "encryption": 0 prefers plaintext (accepts MSE), 2 requires MSE both ways. */
    static final int ENCRYPTION_TOLERATED = 0;
    static final int ENCRYPTION_REQUIRED = 2;
    private final Path downloadDir;
    private final int encryption;
    private volatile String sessionId = "";

    TransmissionPeer(String name, Role role, InetSocketAddress peer, long limitBytesPerSecond, Path dir, Path downloadDir) {
        this(name, role, peer, limitBytesPerSecond, dir, downloadDir, ENCRYPTION_TOLERATED);
    }

    TransmissionPeer(String name, Role role, InetSocketAddress peer, long limitBytesPerSecond, Path dir, Path downloadDir,
                     int encryption) {
        super(name, role, peer, limitBytesPerSecond, dir);
        this.downloadDir = downloadDir;
        this.encryption = encryption;
    }

    @Override
    public String implementation() {
        return ClientVersion.of("Transmission", "transmission-daemon", "--version");
    }

    @Override
    void start(SwarmTorrent torrent) throws IOException, InterruptedException {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.createDirectories(downloadDir);
        long limit = downloadLimitBytesPerSecond();
        // Transmission's limits are in kB/s of 1000 bytes. The seeder also speaks uTP, for the uTP-only leecher.
        String settings = "{\n"
                + "\"bind-address-ipv4\": " + Json.quote(ip()) + ", \"bind-address-ipv6\": \"::1\",\n"
                + "\"peer-port\": " + peerAddress().getPort() + ", \"peer-port-random-on-start\": false,\n"
                + "\"port-forwarding-enabled\": false, \"dht-enabled\": false, \"lpd-enabled\": false,\n"
                + "\"pex-enabled\": true, \"utp-enabled\": " + (role() == Role.SEEDER) + ", \"blocklist-enabled\": false, \"encryption\": " + encryption + ",\n"
                + "\"rpc-enabled\": true, \"rpc-bind-address\": " + Json.quote(ip()) + ", \"rpc-port\": " + RPC_PORT + ",\n"
                + "\"rpc-whitelist-enabled\": false, \"rpc-authentication-required\": false, \"rpc-host-whitelist-enabled\": false,\n"
                + "\"download-dir\": " + Json.quote(downloadDir.toString()) + ", \"incomplete-dir-enabled\": false,\n"
                + "\"speed-limit-down-enabled\": " + (limit > 0) + ", \"speed-limit-down\": " + Math.max(1, limit / 1000) + ",\n"
                + "\"speed-limit-up-enabled\": false, \"alt-speed-enabled\": false,\n"
                + "\"ratio-limit-enabled\": false, \"idle-seeding-limit-enabled\": false, \"start-added-torrents\": true,\n"
                + "\"watch-dir-enabled\": false, \"cache-size-mb\": 4, \"message-level\": 2\n"
                + "}\n";
        Files.writeString(config.resolve("settings.json"), settings);
        process = ManagedProcess.start(name(), dir, log(),
                List.of("transmission-daemon", "-f", "-g", config.toString(), "-e", dir.resolve("transmission.log").toString()));
        Waits.until(java.time.Duration.ofSeconds(30), name() + " RPC", () -> {
            requireAlive();
            try {
                rpc("{\"method\":\"session-get\",\"arguments\":{\"fields\":[\"version\"]}}");
                return true;
            } catch (java.net.ConnectException e) {
                return false;
            }
        });
        String added = rpc("{\"method\":\"torrent-add\",\"arguments\":{\"filename\":" + Json.quote(torrent.torrentFile().toString())
                + ",\"download-dir\":" + Json.quote(downloadDir.toString()) + ",\"paused\":false}}");
        if (!added.contains("\"success\"")) {
            throw new IOException(name() + " torrent-add failed: " + added);
        }
    }

    @Override
    public double progress() throws IOException, InterruptedException {
        requireAlive();
        String r = rpc("{\"method\":\"torrent-get\",\"arguments\":{\"fields\":[\"percentDone\",\"recheckProgress\",\"status\"]}}");
        // While the seeder verifies, percentDone climbs from 0; status 1/2 = check pending/checking.
        double status = Json.single(r, "status");
        return status == 1 || status == 2 ? 0.0 : Json.single(r, "percentDone");
    }

    /** Stops downloading but keeps the client up and serving what it has: a per-torrent download limit of 0. */
    void freezeDownload() throws IOException, InterruptedException {
        rpc("{\"method\":\"torrent-set\",\"arguments\":{\"downloadLimited\":true,\"downloadLimit\":0}}");
    }

    private String rpc(String body) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + ip() + ":" + RPC_PORT + "/transmission/rpc");
        for (int attempt = 0; attempt < 2; attempt++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(RPC_TIMEOUT)
                    .header("X-Transmission-Session-Id", sessionId)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 409) { // CSRF token handshake: retry with the id it hands out
                sessionId = r.headers().firstValue("X-Transmission-Session-Id").orElse("");
                continue;
            }
            if (r.statusCode() != 200) {
                throw new IOException(name() + " RPC " + r.statusCode() + ": " + Json.abbreviate(r.body()));
            }
            return r.body();
        }
        throw new IOException(name() + " RPC session id handshake failed");
    }
}
