package org.btda.evaluator.enrich;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.net.InternetDomainName;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.Closeable;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.btda.common.net.Networks;

/**
 * Reverse DNS of peer addresses, reduced to the registered domain ({@code c-73-1-2-3.hsd1.ca.comcast.net} →
 * {@code comcast.net}). Never blocks the caller: the original study had to switch reverse DNS off because inline
 * lookups cost ~300 ms each, so queries go out asynchronously through Netty's DNS client and answers land in a bounded
 * cache that {@link #domainIfKnown} reads.
 *
 * <p>Only the registered domain is kept, never the PTR name: ISP host names usually embed the address. The domain is
 * the one directly under an ICANN (registry) public suffix, not under a private one, because private suffixes such as
 * {@code duckdns.org} are handed out per household and the name under them would point at one person.
 *
 * <p>Error messages name the truncated network, not the address, since they may end up in logs.
 *
 * <p>Thread-safe. Concurrent requests for one address share one query; at most {@value #MAX_IN_FLIGHT} queries are
 * outstanding (beyond that {@link #domain} fails fast and {@link #domainIfKnown} simply does not start a query).
 */
public final class ReverseDnsEnricher implements Closeable {
    static final int MAX_IN_FLIGHT = 4096;
    /** PTR names change rarely; the size bound, not the age, is what keeps memory in check. */
    static final Duration ANSWER_TTL = Duration.ofHours(6);
    /** Timeouts and server failures are retried after this, so a slow server is not asked again per observation. */
    static final Duration FAILURE_TTL = Duration.ofMinutes(10);
    private static final int MAX_NAME_LENGTH = 253;

    private final DnsNameResolver resolver;
    private final EventLoop loop;
    private final EventLoopGroup ownedGroup;
    private final Duration timeout;
    private final Cache<InetAddress, Entry> cache;
    private final ConcurrentHashMap<InetAddress, CompletableFuture<Optional<String>>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder queries = new LongAdder();
    private final LongAdder answered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    /** A cached outcome: the domain, or empty for "no name" (NXDOMAIN, no PTR, no registered domain) and failures. */
    private record Entry(Optional<String> domain, long expiresAtNanos) {}

    /** Counters for the evaluator's statistics. */
    public record Stats(long queries, long answered, long failed, long rejected, long cached, int inFlight) {}

    /**
     * @param loop      event loop the resolver's UDP channel runs on (not closed by {@link #close})
     * @param server    DNS server; {@code null} = the system's ({@code /etc/resolv.conf})
     * @param timeout   per query
     * @param cacheSize cached addresses, answers and negative answers alike
     */
    public ReverseDnsEnricher(EventLoop loop, InetSocketAddress server, Duration timeout, int cacheSize) {
        this(loop, null, server, timeout, cacheSize);
    }

    private ReverseDnsEnricher(EventLoop loop, EventLoopGroup ownedGroup, InetSocketAddress server, Duration timeout, int cacheSize) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("dns timeout must be positive: " + timeout);
        }
        this.ownedGroup = ownedGroup;
        this.loop = loop;
        this.timeout = timeout;
        this.cache = CacheBuilder.newBuilder().maximumSize(cacheSize).build();
        DnsServerAddressStreamProvider servers = server == null
                ? DnsServerAddressStreamProviders.platformDefault()
                : new SingletonDnsServerAddressStreamProvider(server);
        this.resolver = new DnsNameResolverBuilder(loop)
                .datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(servers)
                .queryTimeoutMillis(timeout.toMillis())
                .maxQueriesPerResolve(1)
                .recursionDesired(true)
                .build();
    }

    /** With its own single-threaded event loop, configured by {@code dns.server}, {@code dns.timeout}, {@code dns.cache-size}. */
    public static ReverseDnsEnricher create(EnrichmentConfig config) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("btda-rdns", true), NioIoHandler.newFactory());
        try {
            return new ReverseDnsEnricher(group.next(), group, config.dnsServer(), config.dnsTimeout(), config.dnsCacheSize());
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Returns at once: the cached domain if the address was looked up before, otherwise empty, and then a lookup is
     * started so that a later call (the next observation of the peer) finds the answer.
     */
    public Optional<String> domainIfKnown(InetAddress address) {
        Entry e = cached(address);
        if (e != null) {
            return e.domain();
        }
        domain(address);
        return Optional.empty();
    }

    /**
     * The registered domain of the address's PTR name; empty when there is none (NXDOMAIN, no PTR, a name without a
     * registry suffix). Completes exceptionally with {@link TimeoutException} after {@code dns.timeout}, with
     * {@link DnsLookupException} on server errors, and with {@link RejectedExecutionException} when too many queries
     * are outstanding. Failures are cached for {@link #FAILURE_TTL} as "no domain".
     */
    public CompletableFuture<Optional<String>> domain(InetAddress address) {
        Entry e = cached(address);
        if (e != null) {
            return CompletableFuture.completedFuture(e.domain());
        }
        CompletableFuture<Optional<String>> running = inFlight.get(address);
        if (running != null) {
            return running;
        }
        if (inFlight.size() >= MAX_IN_FLIGHT) {
            rejected.increment();
            return CompletableFuture.failedFuture(new RejectedExecutionException(MAX_IN_FLIGHT + " reverse DNS queries outstanding"));
        }
        CompletableFuture<Optional<String>> raw = new CompletableFuture<>();
        // The returned future completes only after the cache is updated, so a caller that waited on it finds the
        // answer through domainIfKnown right away.
        CompletableFuture<Optional<String>> result = raw.whenComplete((domain, error) -> {
            long ttl = (domain != null ? ANSWER_TTL : FAILURE_TTL).toNanos();
            cache.put(address, new Entry(domain != null ? domain : Optional.empty(), System.nanoTime() + ttl));
            inFlight.remove(address);
            (domain != null ? answered : failed).increment();
        });
        running = inFlight.putIfAbsent(address, result);
        if (running != null) {
            return running;
        }
        queries.increment();
        // Everything past this point runs on the resolver's event loop: the caller only pays for a queue insertion.
        try {
            loop.execute(() -> start(address, raw));
        } catch (RejectedExecutionException ex) {
            raw.completeExceptionally(ex);
        }
        return result;
    }

    /** On the event loop: arms the deadline (also covering a query that never got sent) and sends the PTR query. */
    private void start(InetAddress address, CompletableFuture<Optional<String>> raw) {
        ScheduledFuture<?> deadline = loop.schedule(() -> raw.completeExceptionally(
                new TimeoutException("reverse DNS in " + Networks.truncate(address) + " timed out after " + timeout.toMillis() + " ms")),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        raw.whenComplete((v, e) -> deadline.cancel(false));
        try {
            query(address, raw);
        } catch (RuntimeException ex) {
            raw.completeExceptionally(ex);
        }
    }

    private void query(InetAddress address, CompletableFuture<Optional<String>> raw) {
        resolver.query(new DefaultDnsQuestion(ptrName(address), DnsRecordType.PTR)).addListener(f -> {
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                raw.completeExceptionally(cause instanceof DnsNameResolverTimeoutException
                        ? new TimeoutException("reverse DNS in " + Networks.truncate(address) + " timed out") : cause);
                return;
            }
            @SuppressWarnings("unchecked")
            AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = (AddressedEnvelope<DnsResponse, InetSocketAddress>) f.getNow();
            try {
                DnsResponse response = envelope.content();
                DnsResponseCode code = response.code();
                if (code.equals(DnsResponseCode.NXDOMAIN)) {
                    raw.complete(Optional.empty());
                } else if (!code.equals(DnsResponseCode.NOERROR)) {
                    raw.completeExceptionally(new DnsLookupException("reverse DNS in " + Networks.truncate(address) + ": " + code));
                } else {
                    raw.complete(registeredDomain(firstPtr(response)));
                }
            } catch (RuntimeException e) {
                raw.completeExceptionally(e);
            } finally {
                envelope.release();
            }
        });
    }

    private static String firstPtr(DnsResponse response) {
        int n = response.count(DnsSection.ANSWER);
        for (int i = 0; i < n; i++) {
            DnsRecord r = response.recordAt(DnsSection.ANSWER, i);
            if (r instanceof DnsPtrRecord ptr) {
                return ptr.hostname();
            }
        }
        return null;
    }

    private Entry cached(InetAddress address) {
        Entry e = cache.getIfPresent(address);
        if (e == null) {
            return null;
        }
        if (System.nanoTime() - e.expiresAtNanos() >= 0) {
            cache.invalidate(address);
            return null;
        }
        return e;
    }

    public Stats stats() {
        return new Stats(queries.sum(), answered.sum(), failed.sum(), rejected.sum(), cache.size(), inFlight.size());
    }

    /**
     * The domain directly under the ICANN public suffix, lower case; empty for names that are invalid, too long, or
     * not under a registry suffix (e.g. {@code localhost}, or a bare suffix such as {@code co.uk}).
     */
    public static Optional<String> registeredDomain(String hostName) {
        if (hostName == null) {
            return Optional.empty();
        }
        String h = hostName.endsWith(".") ? hostName.substring(0, hostName.length() - 1) : hostName;
        h = h.toLowerCase(Locale.ROOT);
        if (h.isEmpty() || h.length() > MAX_NAME_LENGTH || !InternetDomainName.isValid(h)) {
            return Optional.empty();
        }
        InternetDomainName name = InternetDomainName.from(h);
        if (!name.isUnderRegistrySuffix()) {
            return Optional.empty();
        }
        return Optional.of(name.topDomainUnderRegistrySuffix().toString());
    }

    /** {@code 3.2.0.192.in-addr.arpa.} or the nibble form under {@code ip6.arpa.}. */
    static String ptrName(InetAddress address) {
        byte[] a = address.getAddress();
        StringBuilder sb = new StringBuilder(a.length == 4 ? 29 : 73);
        if (address instanceof Inet4Address) {
            for (int i = 3; i >= 0; i--) {
                sb.append(a[i] & 0xff).append('.');
            }
            return sb.append("in-addr.arpa.").toString();
        }
        for (int i = a.length - 1; i >= 0; i--) {
            sb.append(Character.forDigit(a[i] & 0xf, 16)).append('.').append(Character.forDigit((a[i] >> 4) & 0xf, 16)).append('.');
        }
        return sb.append("ip6.arpa.").toString();
    }

    /**
     * {@code host[:port]} with the host an address literal ({@code 127.0.0.1:5353}, {@code [::1]:53}, {@code ::1});
     * a name is rejected because resolving the DNS server would itself need DNS. Empty = {@code null} (system's).
     */
    static InetSocketAddress parseServer(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            return null;
        }
        String host = s;
        int port = 53;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("dns.server: missing ']' in '" + text + "'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("dns.server: expected ':port' after ']' in '" + text + "'");
                }
                port = parsePort(rest.substring(1), text);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = parsePort(s.substring(s.indexOf(':') + 1), text);
        }
        InetAddress address;
        try {
            address = Networks.parseLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("dns.server must be an IP address literal (with optional :port), not '" + text + "'", e);
        }
        return new InetSocketAddress(address, port);
    }

    private static int parsePort(String p, String text) {
        try {
            int port = Integer.parseInt(p);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dns.server: bad port in '" + text + "'");
        }
    }

    @Override
    public void close() {
        resolver.close();
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The DNS server answered with an error code other than NXDOMAIN (SERVFAIL, REFUSED, ...). */
    public static final class DnsLookupException extends RuntimeException {
        public DnsLookupException(String message) {
            super(message);
        }
    }
}
