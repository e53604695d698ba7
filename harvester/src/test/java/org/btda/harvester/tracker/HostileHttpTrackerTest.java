package org.btda.harvester.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.btda.harvester.testing.HostileHttpServer;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.tracker.AnnounceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP tracker misbehaviour that real trackers do not show, each ending in a clear TrackerException. */
class HostileHttpTrackerTest {
    private static final InfoHash IH = InfoHash.of(new byte[] {0, 1, 2, (byte) 0xff, ' ', '%', '&', 'a', 'Z', '~', 10, 11, 12, 13, 14, 15, 16, 17, 18, 19});
    private HttpTrackerClient client;

    @BeforeEach
    void setUp() {
        client = new HttpTrackerClient(Duration.ofMillis(800), 64 * 1024);
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private static AnnounceRequest request() {
        return new AnnounceRequest(IH, "-BD0100-abcdefghijkl".getBytes(StandardCharsets.US_ASCII), 6881, 5000, 200, 0xCAFE, AnnounceEvent.STARTED, null);
    }

    private Throwable announceFailure(HostileHttpServer s) {
        assertThatThrownBy(() -> client.announce(URI.create(s.announceUrl()), request()).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TrackerException.class);
        try {
            client.announce(URI.create(s.announceUrl()), request()).get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected failure");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void garbageBodyIsAMalformedResponse() throws Exception {
        try (HostileHttpServer s = new HostileHttpServer(HostileHttpServer.body("<html>hello</html>".getBytes(StandardCharsets.US_ASCII)))) {
            assertThat(announceFailure(s)).hasMessageContaining("malformed");
        }
    }

    @Test
    void failureReasonIsReported() throws Exception {
        try (HostileHttpServer s = new HostileHttpServer(HostileHttpServer.body("d14:failure reason12:unregisterede".getBytes(StandardCharsets.US_ASCII)))) {
            assertThat(announceFailure(s)).hasMessage("failure reason: unregistered");
        }
    }

    @Test
    void silentTrackerTimesOut() throws Exception {
        // The server never answers, so a failure naming the timeout can only come from the client's own 800 ms timeout
        // (announceFailure waits at most 10 s): no wall-clock bound that a busy machine could break.
        try (HostileHttpServer s = new HostileHttpServer(HostileHttpServer.SILENT)) {
            assertThat(announceFailure(s)).hasMessageContaining("timeout");
        }
    }

    @Test
    void trackerThatSendsHeadersThenSilenceTimesOut() throws Exception {
        try (HostileHttpServer s = new HostileHttpServer(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nd8:interval".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            HostileHttpServer.SILENT.respond(out);
        })) {
            assertThat(announceFailure(s)).hasMessageContaining("timeout");
        }
    }

    @Test
    void closeMidResponseIsAnIoError() throws Exception {
        try (HostileHttpServer s = new HostileHttpServer(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nd8:intervali1800e5:peers".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            out.close();
        })) {
            assertThat(announceFailure(s)).hasMessageContaining("I/O error");
        }
    }

    @Test
    void oversizedResponsesAreCutOff() throws Exception {
        byte[] big = new byte[200 * 1024];
        Arrays.fill(big, (byte) 'x');
        try (HostileHttpServer declared = new HostileHttpServer(HostileHttpServer.body(big))) {
            assertThat(announceFailure(declared)).hasMessageContaining("larger than 65536 bytes");
        }
        // Without a Content-Length the limit applies while reading.
        try (HostileHttpServer streamed = new HostileHttpServer(out -> {
            out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(big);
            out.close();
        })) {
            assertThat(announceFailure(streamed)).hasMessageContaining("larger than 65536 bytes");
        }
    }

    @Test
    void requestCarriesPercentEncodedBinaryAndAllParameters() throws Exception {
        byte[] ok = "d8:intervali900e5:peers0:e".getBytes(StandardCharsets.US_ASCII);
        try (HostileHttpServer s = new HostileHttpServer(HostileHttpServer.body(ok))) {
            AnnounceResponse r = client.announce(URI.create(s.announceUrl() + "?passkey=abc"), request()).get(10, TimeUnit.SECONDS);
            assertThat(r.peers()).isEmpty();
            String line = s.requests().get(0).lines().findFirst().orElseThrow();
            assertThat(line).startsWith("GET /announce?passkey=abc&info_hash=%00%01%02%FF%20%25%26aZ~%0A%0B%0C%0D%0E%0F%10%11%12%13&");
            assertThat(line).contains("&peer_id=-BD0100-abcdefghijkl&", "&port=6881&", "&uploaded=0&downloaded=0&", "&left=5000&",
                    "&numwant=200&", "&compact=1&", "&key=0000cafe", "&event=started");
        }
    }
}
