package org.btda.streams;

import java.time.Duration;

/**
 * The stream processor's own helper for tests on the real in-process broker; the generic ones (isolated topics,
 * producing, reading) are in {@link org.btda.common.testing.TestTopics}.
 */
public final class KafkaTestSupport {
    private KafkaTestSupport() {}

    /**
     * Waits until the running service's global store holds the torrent, so discoveries sent next find it (otherwise
     * their first request waits the 30 s torrent wait); fails after {@code timeout}.
     */
    public static void awaitTorrent(StreamProcessorService service, String infoHash, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (service.registeredTorrent(infoHash) == null) {
            if (System.nanoTime() > deadline) throw new AssertionError("torrent " + infoHash + " not in the global store after " + timeout);
            Thread.sleep(20);     // polling interval, not a guess: the loop ends on the condition
        }
    }
}
