package org.btda.it.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** Common plumbing of the client adapters: the process, its directory and an HTTP client for its control API. */
abstract class ClientPeer implements SwarmPeer, AutoCloseable {
    static final Duration RPC_TIMEOUT = Duration.ofSeconds(5);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(RPC_TIMEOUT)
            .proxy(java.net.ProxySelector.of(null)).build();

    private final String name;
    private final Role role;
    private final InetSocketAddress peerAddress;
    private final long limit;
    protected final Path dir;
    protected ManagedProcess process;
    private volatile java.util.List<SwarmTracker> announcesTo = java.util.List.of();

    ClientPeer(String name, Role role, InetSocketAddress peerAddress, long limitBytesPerSecond, Path dir) {
        this.name = name;
        this.role = role;
        this.peerAddress = peerAddress;
        this.limit = limitBytesPerSecond;
        this.dir = dir;
    }

    /** Starts the client with the torrent added and downloading into its own directory. */
    abstract void start(SwarmTorrent torrent) throws IOException, InterruptedException;

    /** Progress readers of clients that need their process: fail fast with the log when it died. */
    final void requireAlive() throws IOException {
        if (process == null) {
            throw new IllegalStateException(name + " not started");
        }
        process.requireAlive();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public InetSocketAddress peerAddress() {
        return peerAddress;
    }

    @Override
    public long downloadLimitBytesPerSecond() {
        return limit;
    }

    @Override
    public java.util.List<SwarmTracker> announcesTo() {
        return announcesTo;
    }

    void announcesTo(java.util.List<SwarmTracker> trackers) {
        this.announcesTo = java.util.List.copyOf(trackers);
    }

    @Override
    public Path log() {
        return dir.resolve("console.log");
    }

    String ip() {
        return peerAddress.getAddress().getHostAddress();
    }

    static String post(URI uri, String contentType, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(RPC_TIMEOUT)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(uri + " answered " + r.statusCode() + ": " + Json.abbreviate(r.body()));
        }
        return r.body();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return name + " (" + implementation() + ") " + ip() + ":" + peerAddress.getPort()
                + (limit > 0 ? " limit " + limit + " B/s" : "");
    }
}
