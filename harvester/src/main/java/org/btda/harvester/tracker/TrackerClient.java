package org.btda.harvester.tracker;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.tracker.AnnounceResponse;
import org.btda.protocol.tracker.ScrapeResponse;

/**
 * An asynchronous tracker client. Futures complete exceptionally with {@link TrackerException} (possibly wrapped in a
 * CompletionException); they never block a thread while waiting for the network.
 */
public interface TrackerClient extends AutoCloseable {
    CompletableFuture<AnnounceResponse> announce(URI tracker, AnnounceRequest request);

    CompletableFuture<ScrapeResponse> scrape(URI tracker, InfoHash infoHash);

    /** Whether this tracker can be scraped at all (HTTP needs the announce→scrape URL convention). */
    boolean canScrape(URI tracker);

    @Override
    void close();
}
