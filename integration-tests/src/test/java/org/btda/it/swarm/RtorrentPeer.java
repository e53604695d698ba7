package org.btda.it.swarm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** rtorrent (libtorrent-rakshasa) in daemon mode (no curses), progress over XML-RPC via SCGI on its own address. */
final class RtorrentPeer extends ClientPeer {
    private static final int SCGI_PORT = 5000;
    private static final int MAX_RESPONSE = 1 << 20;
    private static final Pattern I8 = Pattern.compile("<(?:i8|i4|int)>(-?[0-9]+)</");

    RtorrentPeer(String name, Role role, InetSocketAddress peer, long limitBytesPerSecond, Path dir) {
        super(name, role, peer, limitBytesPerSecond, dir);
    }

    @Override
    public String implementation() {
        return ClientVersion.of("rTorrent", "rtorrent", "-h");
    }

    @Override
    void start(SwarmTorrent torrent) throws IOException, InterruptedException {
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        Path session = Files.createDirectories(dir.resolve("session"));
        Path rc = dir.resolve("rtorrent.rc");
        Files.writeString(rc, String.join("\n",
                "directory.default.set = " + downloads,
                "session.path.set = " + session,
                "network.bind_address.set = " + ip(),
                "network.local_address.set = " + ip(),
                "network.port_range.set = " + peerAddress().getPort() + "-" + peerAddress().getPort(),
                "network.port_random.set = no",
                "dht.mode.set = disable",
                "protocol.pex.set = yes",
                "trackers.use_udp.set = yes",
                "throttle.global_down.max_rate.set_kb = " + downloadLimitBytesPerSecond() / 1024,
                // rtorrent re-checks every piece once the download completes, and its completed bytes start again from
                // zero while it does: a progress reading then goes 0.99 -> 0.005 -> 1.0 (seen in a swarm run)
                "pieces.hash.on_completion.set = no",
                "protocol.encryption.set = allow_incoming,try_outgoing,enable_retry",
                "network.scgi.open_port = " + ip() + ":" + SCGI_PORT,
                "system.daemon.set = true",
                "log.open_file = \"main\", " + dir.resolve("rtorrent.log"),
                "log.add_output = \"info\", \"main\"",
                "load.start_verbose = " + torrent.torrentFile(), ""));
        process = ManagedProcess.start(name(), dir, log(), List.of("rtorrent", "-n", "-o", "import=" + rc));
        Waits.until(java.time.Duration.ofSeconds(30), name() + " SCGI", () -> {
            requireAlive();
            try {
                return sizes().length == 2;
            } catch (java.net.ConnectException e) {
                return false;
            }
        });
    }

    @Override
    public double progress() throws IOException, InterruptedException {
        requireAlive();
        long[] s = sizes();
        return s[1] == 0 ? 0.0 : (double) s[0] / s[1];
    }

    /** completed bytes and size of the one loaded torrent. */
    private long[] sizes() throws IOException {
        String xml = call("<?xml version=\"1.0\"?><methodCall><methodName>d.multicall2</methodName><params>"
                + "<param><value><string></string></value></param><param><value><string>main</string></value></param>"
                + "<param><value><string>d.completed_bytes=</string></value></param>"
                + "<param><value><string>d.size_bytes=</string></value></param></params></methodCall>");
        Matcher m = I8.matcher(xml);
        long[] out = new long[2];
        int n = 0;
        while (m.find() && n < 3) {
            if (n < 2) {
                out[n] = Long.parseLong(m.group(1));
            }
            n++;
        }
        if (n != 2) {
            throw new IOException(name() + " unexpected XML-RPC answer: " + Json.abbreviate(xml));
        }
        return out;
    }

    /** One SCGI request: netstring of headers, then the body; the answer is HTTP-like and ends at EOF. */
    private String call(String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        byte[] headers = ("CONTENT_LENGTH\0" + b.length + "\0SCGI\0" + "1\0").getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(peerAddress().getAddress(), SCGI_PORT), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((headers.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.write(headers);
            out.write(',');
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream resp = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int r; (r = in.read(buf)) > 0; ) {
                resp.write(buf, 0, r);
                if (resp.size() > MAX_RESPONSE) {
                    throw new IOException("SCGI answer too large");
                }
            }
            return resp.toString(StandardCharsets.UTF_8);
        }
    }
}
