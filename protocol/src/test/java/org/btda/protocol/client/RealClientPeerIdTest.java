package org.btda.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients (aria2c, ctorrent) announce to a loopback HTTP tracker; the peer_id they send must be described with
 * the version the binary itself reports. DHT/LPD are off so nothing leaves loopback.
 */
class RealClientPeerIdTest {
    @TempDir
    Path dir;
    HttpServer tracker;
    final LinkedBlockingQueue<byte[]> peerIds = new LinkedBlockingQueue<>();
    Path torrent;

    @BeforeEach
    void startTracker() throws Exception {
        tracker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tracker.createContext("/announce", ex -> {
            String q = ex.getRequestURI().getRawQuery();
            for (String kv : q == null ? new String[0] : q.split("&")) {
                if (kv.startsWith("peer_id=")) {
                    peerIds.add(percentDecode(kv.substring(8)));
                }
            }
            byte[] body = "d8:intervali1800e5:peers0:e".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tracker.start();
        Path content = dir.resolve("content.bin");
        byte[] data = new byte[50_000];
        new Random(1).nextBytes(data);
        Files.write(content, data);
        torrent = dir.resolve("t.torrent");
        run(List.of("mktorrent", "-a", "http://127.0.0.1:" + tracker.getAddress().getPort() + "/announce", "-o",
                torrent.toString(), content.toString()), 30);
        Files.delete(content); // clients start as leechers
    }

    @AfterEach
    void stopTracker() {
        tracker.stop(0);
    }

    private static byte[] percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private String run(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException ignored) {
                // process killed
            }
        });
        reader.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        reader.join(5000);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Starts the client, waits for its first announce, then stops it. */
    private byte[] announcedPeerId(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("client.log").toFile()).start();
        try {
            byte[] id = peerIds.poll(30, TimeUnit.SECONDS);
            assertThat(id).as("client announced; log: %s", Files.readString(dir.resolve("client.log"))).isNotNull();
            return id;
        } finally {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aria2() throws Exception {
        Matcher v = Pattern.compile("aria2 version (\\d+)\\.(\\d+)\\.(\\d+)").matcher(run(List.of("aria2c", "--version"), 10));
        assertThat(v.find()).isTrue();
        byte[] id = announcedPeerId(List.of("aria2c", "--enable-dht=false", "--enable-dht6=false",
                "--bt-enable-lpd=false", "--enable-peer-exchange=false", "--listen-port=" + freePort(),
                "--dir=" + dir.resolve("dl-aria2"), "--console-log-level=warn", torrent.toString()));
        assertThat(id).hasSize(20);
        assertThat(ClientIds.describe(id)).isEqualTo("aria2 " + v.group(1) + "." + v.group(2) + "." + v.group(3));
    }

    @Test
    void ctorrent() throws Exception {
        Matcher v = Pattern.compile("dnh(\\d+)\\.(\\d+)").matcher(run(List.of("ctorrent", "-h"), 10));
        assertThat(v.find()).isTrue();
        Files.createDirectories(dir.resolve("dl-ct"));
        byte[] id = announcedPeerId(List.of("ctorrent", "-p", Integer.toString(freePort()), "-s",
                dir.resolve("dl-ct/content.bin").toString(), torrent.toString()));
        assertThat(id).hasSize(20);
        assertThat(ClientIds.describe(id)).isEqualTo(String.format("Enhanced CTorrent %d.%02d",
                Integer.parseInt(v.group(1)), Integer.parseInt(v.group(2))));
    }

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
