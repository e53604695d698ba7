package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.evaluator.bench.RawWire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Incoming peers that give no BEP 10 listen port cannot be dialled back: the listener follows them on their own
 * connection (snapshots while the piece count changes, the end at completion or after an interval without news), past
 * the quiet timeout and the session cap that end every other session. A peer that does send {@code p} is not followed.
 */
class IncomingFollowTest {

    static final int PIECES = 100;
    static final long FOLLOW_INTERVAL_MS = 400;
    static final long SESSION_CAP_MS = 1000;

    final List<ContactResult> snapshots = new CopyOnWriteArrayList<>();
    final CompletableFuture<ContactResult> ended = new CompletableFuture<>();
    IncomingListener listener;

    @BeforeEach
    void start() {
        EvaluatorConfig cfg = EvaluatorConfig.defaults()
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(SESSION_CAP_MS))
                .withMaxMessages(20);
        TorrentInfo torrent = new TorrentInfo(HexFormat.of().formatHex(ContactEngineTest.INFO_HASH), PIECES, 16384);
        listener = new IncomingListener(cfg, new EvaluatorStats(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                10, 10, FOLLOW_INTERVAL_MS, 30_000, hex -> hex.equals(torrent.infoHashHex()) ? torrent : null,
                req2 -> null, (r, t) -> ended.complete(r), (r, t) -> snapshots.add(r));
    }

    @AfterEach
    void stop() {
        listener.close();
    }

    /** Dials the listener, handshakes without BEP 10 (or with {@code ext}), sends the bitfield, then paced haves. */
    private Socket dial(Map<String, ?> ext) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port());
        OutputStream out = s.getOutputStream();
        out.write(RawWire.handshake(ContactEngineTest.INFO_HASH, ContactEngineTest.PEER_ID, ext != null, false));
        if (ext != null) out.write(RawWire.extendedHandshake(ext));
        out.write(RawWire.bitfield(PIECES, 10));
        out.flush();
        new DataInputStream(s.getInputStream()).readFully(new byte[68]); // the listener's handshake: it took us
        return s;
    }

    /** Pieces 10..to-1 as haves, one every 30 ms: a download at a steady rate (pacing, not synchronisation). */
    private static boolean download(Socket s, int to) {
        try {
            OutputStream out = s.getOutputStream();
            for (int i = 10; i < to; i++) {
                out.write(RawWire.have(i));
                out.flush();
                Thread.sleep(30);
            }
            return true;
        } catch (Exception e) {
            return false; // the listener hung up
        }
    }

    @Test
    void aPeerWithoutListenPortIsFollowedUntilItCompletes() throws Exception {
        try (Socket s = dial(null)) {
            assertThat(download(s, PIECES)).as("the whole download was read on one connection").isTrue();
            ContactResult last = ended.get(20, TimeUnit.SECONDS);
            assertThat(last.success()).isTrue();
            assertThat(last.pieces()).isEqualTo(PIECES);
            assertThat(last.sessionMillis()).as("past the session cap and the quiet timeout").isGreaterThan(SESSION_CAP_MS);
            assertThat(last.messagesReceived()).as("past the message budget").isGreaterThan(20);
        }
        List<Integer> seen = snapshots.stream().map(ContactResult::pieces).toList();
        assertThat(seen).as("snapshots while it downloaded").hasSizeGreaterThanOrEqualTo(2).isSorted().doesNotHaveDuplicates();
        assertThat(seen.get(0)).isLessThan(PIECES);
    }

    @Test
    void aFollowedPeerWithoutNewsIsLetGoAfterOneInterval() throws Exception {
        try (Socket s = dial(null)) {
            assertThat(download(s, 20)).isTrue(); // then nothing: a paused download
            ContactResult last = ended.get(20, TimeUnit.SECONDS);
            assertThat(last.success()).isTrue();
            assertThat(last.pieces()).isEqualTo(20);
            assertThat(last.sessionMillis()).isGreaterThanOrEqualTo(FOLLOW_INTERVAL_MS);
        }
    }

    @Test
    void aPeerThatSendsItsListenPortIsNotFollowed() throws Exception {
        try (Socket s = dial(Map.of("m", Map.of("ut_pex", 1), "p", 51413))) {
            CompletableFuture<Boolean> sender = CompletableFuture.supplyAsync(() -> download(s, PIECES));
            ContactResult last = ended.get(20, TimeUnit.SECONDS);
            assertThat(last.success()).isTrue();
            assertThat(last.extListenPort()).isEqualTo(51413);
            assertThat(last.pieces()).as("ended by the message budget, long before the download did").isLessThan(PIECES);
            assertThat(snapshots).isEmpty();
            sender.get(20, TimeUnit.SECONDS);
        }
    }
}
