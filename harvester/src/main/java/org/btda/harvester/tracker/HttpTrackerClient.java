package org.btda.harvester.tracker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.tracker.AnnounceResponse;
import org.btda.protocol.tracker.HttpTrackerResponses;
import org.btda.protocol.tracker.ScrapeResponse;
import org.btda.protocol.tracker.TrackerResponseException;

/**
 * BEP 3 HTTP tracker client on {@link java.net.http.HttpClient}: asynchronous (a couple of shared threads, none per
 * tracker), a response size limit, and a hard timeout on the whole exchange (the JDK's request timeout covers only
 * the headers, so a tracker trickling its body would otherwise hold a request open forever).
 */
public final class HttpTrackerClient implements TrackerClient {
    public static final int MAX_RESPONSE_BYTES = 1 << 20;
    private static final String USER_AGENT = "btda/0.1";

    private final ExecutorService executor;
    private final HttpClient http;
    private final Duration timeout;
    private final int maxResponseBytes;
    /** Local address requests leave from (btda's listen address), or null for the system's choice. */
    private final InetAddress source;

    public HttpTrackerClient(Duration timeout) {
        this(timeout, MAX_RESPONSE_BYTES, null);
    }

    /** @param source local address announces and scrapes leave from (null = the system's choice) */
    public HttpTrackerClient(Duration timeout, InetAddress source) {
        this(timeout, MAX_RESPONSE_BYTES, source);
    }

    public HttpTrackerClient(Duration timeout, int maxResponseBytes) {
        this(timeout, maxResponseBytes, null);
    }

    public HttpTrackerClient(Duration timeout, int maxResponseBytes, InetAddress source) {
        this.timeout = timeout;
        this.maxResponseBytes = maxResponseBytes;
        this.source = source;
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "http-tracker");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(executor)
                .build();
    }

    @Override
    public CompletableFuture<AnnounceResponse> announce(URI tracker, AnnounceRequest r) {
        StringBuilder q = new StringBuilder(256)
                .append("info_hash=").append(TrackerUrls.percentEncode(r.infoHash().bytes()))
                .append("&peer_id=").append(TrackerUrls.percentEncode(r.peerId()))
                .append("&port=").append(r.port())
                .append("&uploaded=0&downloaded=0")
                .append("&left=").append(r.left())
                .append("&numwant=").append(r.numWant())
                .append("&compact=1")
                .append("&key=").append(String.format("%08x", r.key()));
        if (r.event().httpName() != null) {
            q.append("&event=").append(r.event().httpName());
        }
        if (r.trackerId() != null) {
            q.append("&trackerid=").append(TrackerUrls.percentEncode(r.trackerId().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return get(TrackerUrls.withQuery(tracker, q.toString())).thenApply(body -> decoded(() -> HttpTrackerResponses.parseAnnounce(body)));
    }

    @Override
    public CompletableFuture<ScrapeResponse> scrape(URI tracker, InfoHash infoHash) {
        Optional<URI> url = TrackerUrls.scrapeUrl(tracker);
        if (url.isEmpty()) {
            return CompletableFuture.failedFuture(new TrackerException("tracker URL does not support scrape: " + tracker));
        }
        URI u = TrackerUrls.withQuery(url.get(), "info_hash=" + TrackerUrls.percentEncode(infoHash.bytes()));
        return get(u).thenApply(body -> decoded(() -> HttpTrackerResponses.parseScrape(body, infoHash)));
    }

    /** A parsed answer, or the parser's complaint as this client's {@link TrackerException}. */
    private static <T> T decoded(Supplier<T> parser) {
        try {
            return parser.get();
        } catch (TrackerResponseException e) {
            throw new TrackerException(e.getMessage(), e);
        }
    }

    @Override
    public boolean canScrape(URI tracker) {
        return TrackerUrls.scrapeUrl(tracker).isPresent();
    }

    private CompletableFuture<byte[]> get(URI uri) {
        if (source != null) {
            CompletableFuture<byte[]> bound = CompletableFuture.supplyAsync(() -> {
                try {
                    return BoundHttpGet.get(uri, source, timeout.toMillis(), maxResponseBytes, USER_AGENT);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, executor);
            return bound.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((body, err) -> {
                if (err != null) throw translate(err);
                return body;
            });
        }
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", USER_AGENT).GET().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new TrackerException("bad tracker URL " + uri + ": " + e.getMessage(), e));
        }
        CompletableFuture<HttpResponse<byte[]>> sent = http.sendAsync(req, LimitedBody.handler(maxResponseBytes));
        return sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((resp, err) -> {
                    if (err != null) {
                        sent.cancel(true);
                        throw translate(err);
                    }
                    if (resp.statusCode() != 200) {
                        throw new TrackerException("HTTP status " + resp.statusCode());
                    }
                    if (resp.body() == null) {
                        throw new TrackerException("response larger than " + maxResponseBytes + " bytes (content-length)");
                    }
                    return resp.body();
                });
    }

    private TrackerException translate(Throwable err) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (t instanceof TrackerException te) {
            return te;
        }
        if (t instanceof TimeoutException || t instanceof HttpTimeoutException) {
            return new TrackerException("timeout after " + timeout.toMillis() + " ms", t);
        }
        if (t instanceof IOException) {
            return new TrackerException("I/O error: " + t.getMessage(), t);
        }
        return new TrackerException(t.toString(), t);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
