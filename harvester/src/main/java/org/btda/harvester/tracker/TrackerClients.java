package org.btda.harvester.tracker;

import java.net.URI;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.tracker.AnnounceResponse;
import org.btda.protocol.tracker.ScrapeResponse;

/** Dispatches by URL scheme: http/https to the HTTP client, udp to the UDP client; anything else fails fast. */
public final class TrackerClients implements TrackerClient {
    private final TrackerClient http;
    private final TrackerClient udp;

    public TrackerClients(TrackerClient http, TrackerClient udp) {
        this.http = http;
        this.udp = udp;
    }

    private TrackerClient of(URI tracker) {
        String scheme = tracker.getScheme() == null ? "" : tracker.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "http", "https" -> http;
            case "udp" -> udp;
            default -> null;
        };
    }

    public static boolean supported(URI tracker) {
        String s = tracker.getScheme() == null ? "" : tracker.getScheme().toLowerCase(Locale.ROOT);
        return s.equals("http") || s.equals("https") || s.equals("udp");
    }

    @Override
    public CompletableFuture<AnnounceResponse> announce(URI tracker, AnnounceRequest request) {
        TrackerClient c = of(tracker);
        return c == null ? unsupported(tracker) : c.announce(tracker, request);
    }

    @Override
    public CompletableFuture<ScrapeResponse> scrape(URI tracker, InfoHash infoHash) {
        TrackerClient c = of(tracker);
        return c == null ? unsupported(tracker) : c.scrape(tracker, infoHash);
    }

    @Override
    public boolean canScrape(URI tracker) {
        TrackerClient c = of(tracker);
        return c != null && c.canScrape(tracker);
    }

    private static <T> CompletableFuture<T> unsupported(URI tracker) {
        return CompletableFuture.failedFuture(new TrackerException("unsupported tracker scheme: " + tracker));
    }

    @Override
    public void close() {
        http.close();
        udp.close();
    }
}
