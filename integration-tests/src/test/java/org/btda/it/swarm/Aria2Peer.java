package org.btda.it.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** aria2c, progress from its JSON-RPC, which listens on the namespace's own 127.0.0.1. */
final class Aria2Peer extends ClientPeer {
    private final int rpcPort;

    Aria2Peer(String name, Role role, InetSocketAddress peer, long limitBytesPerSecond, Path dir, int rpcPort) {
        super(name, role, peer, limitBytesPerSecond, dir);
        this.rpcPort = rpcPort;
    }

    @Override
    public String implementation() {
        return ClientVersion.of("aria2", "aria2c", "--version");
    }

    @Override
    void start(SwarmTorrent torrent) throws IOException, InterruptedException {
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        process = ManagedProcess.start(name(), dir, log(), List.of("aria2c",
                "--interface=" + ip(), "--listen-port=" + peerAddress().getPort(), "--disable-ipv6=true",
                "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=true",
                "--max-download-limit=" + downloadLimitBytesPerSecond(), "--seed-ratio=0.0",
                "--bt-require-crypto=false", "--bt-min-crypto-level=plain",
                "--enable-rpc=true", "--rpc-listen-port=" + rpcPort, "--rpc-listen-all=false",
                "--dir=" + downloads, "--file-allocation=none", "--auto-save-interval=0", "--bt-save-metadata=false",
                "--console-log-level=notice", "--summary-interval=0", "--log=" + dir.resolve("aria2.log"), "--log-level=info",
                torrent.torrentFile().toString()));
        Waits.until(java.time.Duration.ofSeconds(30), name() + " RPC", () -> {
            requireAlive();
            try {
                return status().contains("totalLength");
            } catch (java.net.ConnectException e) {
                return false;
            }
        });
    }

    @Override
    public double progress() throws IOException, InterruptedException {
        requireAlive();
        String s = status();
        double total = Json.single(s, "totalLength");
        return total == 0 ? 0.0 : Json.single(s, "completedLength") / total;
    }

    private String status() throws IOException, InterruptedException {
        // A seeding download stays in the active list, so tellActive covers the whole life of the fixture.
        return post(URI.create("http://127.0.0.1:" + rpcPort + "/jsonrpc"), "application/json",
                "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"aria2.tellActive\",\"params\":[[\"completedLength\",\"totalLength\"]]}");
    }
}
