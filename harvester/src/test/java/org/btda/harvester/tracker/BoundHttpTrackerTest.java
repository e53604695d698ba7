package org.btda.harvester.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.tracker.AnnounceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tracker records the announce's source address as the peer's address: announces sent with a source address leave
 * from it (the JDK's HTTP server on 127.0.0.1 sees 127.0.0.2), and the port in the query is ours. Loopback only.
 */
class BoundHttpTrackerTest {
    HttpServer server;
    final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/announce", ex -> {
            seen.add(ex.getRemoteAddress().getAddress().getHostAddress() + " " + ex.getRequestURI().getRawQuery());
            byte[] body = "d8:intervali1800e5:peers6:\u00c0\u0000\u0002\u0001\u001a\u00e1e".getBytes(StandardCharsets.ISO_8859_1);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", "/announce?" + ex.getRequestURI().getRawQuery());
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/chunked", ex -> {
            ex.sendResponseHeaders(200, 0); // 0 = chunked
            ex.getResponseBody().write("d8:intervali60e5:peers0:e".getBytes(StandardCharsets.US_ASCII));
            ex.close();
        });
        server.createContext("/huge", ex -> {
            ex.sendResponseHeaders(200, 5000);
            ex.getResponseBody().write(new byte[5000]);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    AnnounceRequest announce(int port) {
        return new AnnounceRequest(InfoHash.fromHex("00112233445566778899aabbccddeeff00112233"),
                "-BD0100-abcdefghijkl".getBytes(StandardCharsets.US_ASCII), port, 1000, 50, 0, AnnounceEvent.STARTED, null);
    }

    @Test
    void announcesLeaveFromTheListenAddressAndCarryTheListenPort() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.0.2");
        try (HttpTrackerClient c = new HttpTrackerClient(Duration.ofSeconds(10), source)) {
            AnnounceResponse r = c.announce(url("/announce"), announce(7881)).get(20, TimeUnit.SECONDS);
            assertThat(r.interval()).isEqualTo(Duration.ofSeconds(1800));
            assertThat(r.peers()).containsExactly(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 6881));
            // redirects and chunked bodies work on the bound path too
            c.announce(url("/moved"), announce(7881)).get(20, TimeUnit.SECONDS);
            assertThat(c.announce(url("/chunked"), announce(7881)).get(20, TimeUnit.SECONDS).interval()).isEqualTo(Duration.ofSeconds(60));
        }
        assertThat(seen).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("127.0.0.2 ").contains("&port=7881&"));
    }

    @Test
    void theBoundPathKeepsTheSizeLimit() {
        try (HttpTrackerClient c = new HttpTrackerClient(Duration.ofSeconds(10), 1000, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> c.announce(url("/huge"), announce(7881)).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TrackerException.class)
                    .hasMessageContaining("larger than 1000");
        }
    }
}
