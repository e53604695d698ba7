package org.btda.harvester.tracker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.btda.common.net.Networks;
import org.btda.protocol.compact.CompactEndpoints;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.tracker.AnnounceResponse;
import org.btda.protocol.tracker.ScrapeResponse;
import org.btda.protocol.tracker.TrackerResponseException;
import org.btda.protocol.tracker.UdpTrackerPackets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEP 15 UDP tracker client (packets: {@link UdpTrackerPackets}). One socket and one receive thread serve every tracker; a timer tick drives the
 * retransmissions ({@link RetransmitPolicy}). Connection ids are cached per tracker address and reused for at most
 * 60 s. Answers are matched by transaction id and sender; anything else is dropped and counted.
 */
public final class UdpTrackerClient implements TrackerClient {
    static final long CONNECTION_ID_LIFETIME_NANOS = Duration.ofSeconds(60).toNanos();
    private static final int MAX_DATAGRAM = 65_536;
    private static final Duration TICK = Duration.ofMillis(50);
    private static final Logger LOG = LoggerFactory.getLogger(UdpTrackerClient.class);

    private final DatagramChannel channel;
    private final RetransmitPolicy policy;
    private final LongSupplier nanoClock;
    private final SecureRandom random = new SecureRandom();
    private final Map<Integer, UdpExchange> pending = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, long[]> connections = new ConcurrentHashMap<>();
    private final ExecutorService resolver;
    private final ScheduledExecutorService timer;
    private final Thread receiver;
    private final AtomicLong ignored = new AtomicLong();
    private volatile boolean closed;

    /** Production client: system clock, its own timer; bound to {@code bindAddress} (null = any) on an ephemeral port. */
    public UdpTrackerClient(RetransmitPolicy policy, InetAddress bindAddress) throws IOException {
        this(policy, bindAddress, System::nanoTime, true);
    }

    /** With {@code autoTick} false nothing retransmits until {@link #tick()} is called: tests drive the clock. */
    UdpTrackerClient(RetransmitPolicy policy, InetAddress bindAddress, LongSupplier nanoClock, boolean autoTick) throws IOException {
        this.policy = policy;
        this.nanoClock = nanoClock;
        this.channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(bindAddress, 0));
        this.resolver = Executors.newSingleThreadExecutor(r -> daemon(r, "udp-tracker-dns"));
        this.receiver = daemon(this::receiveLoop, "udp-tracker-rx");
        receiver.start();
        if (autoTick) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "udp-tracker-timer"));
            timer.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Datagrams dropped: unknown transaction id, wrong sender, too short. */
    public long ignoredDatagrams() {
        return ignored.get();
    }

    @Override
    public CompletableFuture<AnnounceResponse> announce(URI tracker, AnnounceRequest r) {
        return resolve(tracker).thenCompose(target -> {
            UdpTrackerPackets.Announce a = new UdpTrackerPackets.Announce(r.infoHash().bytes(), r.peerId(), r.left(),
                    r.event().udpCode(), r.key(), r.numWant(), r.port());
            UdpExchange ex = new UdpExchange(target, UdpTrackerPackets.ANNOUNCE, (cid, tid) -> UdpTrackerPackets.announce(cid, tid, a));
            start(ex);
            // The peer format follows the address family of the tracker's socket (BEP 15).
            int entry = CompactEndpoints.entrySize(target.getAddress());
            return ex.result.thenApply(body -> decoded(() -> UdpTrackerPackets.announceReply(body, entry)));
        });
    }

    @Override
    public CompletableFuture<ScrapeResponse> scrape(URI tracker, InfoHash infoHash) {
        return resolve(tracker).thenCompose(target -> {
            UdpExchange ex = new UdpExchange(target, UdpTrackerPackets.SCRAPE,
                    (cid, tid) -> UdpTrackerPackets.scrape(cid, tid, infoHash.bytes()));
            start(ex);
            return ex.result.thenApply(body -> decoded(() -> UdpTrackerPackets.scrapeReply(body)));
        });
    }

    @Override
    public boolean canScrape(URI tracker) {
        return true;
    }

    /** A decoded reply, or the codec's complaint as this client's {@link TrackerException}. */
    private static <T> T decoded(Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (TrackerResponseException e) {
            throw new TrackerException(e.getMessage(), e);
        }
    }

    private CompletableFuture<InetSocketAddress> resolve(URI tracker) {
        String host = tracker.getHost();
        int port = tracker.getPort();
        if (!"udp".equalsIgnoreCase(tracker.getScheme()) || host == null || port <= 0) {
            return CompletableFuture.failedFuture(new TrackerException("not a udp://host:port tracker URL: " + tracker));
        }
        if (closed) {
            return CompletableFuture.failedFuture(new TrackerException("client closed"));
        }
        try {
            return CompletableFuture.completedFuture(new InetSocketAddress(Networks.parseLiteral(host), port));
        } catch (IllegalArgumentException notLiteral) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return new InetSocketAddress(InetAddress.getByName(host), port);
                } catch (UnknownHostException e) {
                    throw new TrackerException("cannot resolve " + host, e);
                }
            }, resolver);
        }
    }

    private void start(UdpExchange ex) {
        synchronized (ex) {
            long[] conn = connections.get(ex.target);
            if (conn != null && nanoClock.getAsLong() - conn[1] < CONNECTION_ID_LIFETIME_NANOS) {
                ex.connectionId = conn[0];
                ex.connectedAt = conn[1];
                ex.stage = ex.action;
            } else {
                ex.stage = UdpTrackerPackets.CONNECT;
            }
            send(ex, 0);
        }
    }

    /** Sends the packet of the current stage with a fresh transaction id; caller holds the exchange's lock. */
    private void send(UdpExchange ex, int attempt) {
        if (ex.tid != 0) {
            pending.remove(ex.tid);
        }
        int tid;
        do {
            tid = random.nextInt();
        } while (tid == 0 || pending.putIfAbsent(tid, ex) != null);
        ex.tid = tid;
        ex.attempt = attempt;
        ex.deadline = nanoClock.getAsLong() + policy.timeout(attempt).toNanos();
        if (ex.stage == UdpTrackerPackets.CONNECT) {
            ex.packet = UdpTrackerPackets.connect(tid);
        } else {
            ex.packet = ex.builder.build(ex.connectionId, tid);
        }
        transmit(ex);
    }

    private void transmit(UdpExchange ex) {
        try {
            channel.send(ByteBuffer.wrap(ex.packet), ex.target);
        } catch (IOException e) {
            fail(ex, new TrackerException("send to " + ex.target + " failed: " + e.getMessage(), e));
        }
    }

    /** Retransmits or gives up every exchange whose deadline passed. Called by the timer (or by tests). */
    void tick() {
        long now = nanoClock.getAsLong();
        for (UdpExchange ex : pending.values()) {
            synchronized (ex) {
                if (ex.result.isDone() || now - ex.deadline < 0) {
                    continue;
                }
                if (!policy.retransmitAfter(ex.attempt)) {
                    fail(ex, new TrackerException("no answer from " + ex.target + " after " + (ex.attempt + 1) + " attempts"));
                    continue;
                }
                int next = ex.attempt + 1;
                if (ex.stage != UdpTrackerPackets.CONNECT && now - ex.connectedAt >= CONNECTION_ID_LIFETIME_NANOS) {
                    // The connection id expired while we waited; BEP 15 requires a new connect.
                    ex.stage = UdpTrackerPackets.CONNECT;
                    send(ex, next);
                } else {
                    // Same packet, same transaction id: a late answer to an earlier copy still counts.
                    ex.attempt = next;
                    ex.deadline = now + policy.timeout(next).toNanos();
                    transmit(ex);
                }
            }
        }
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!closed) {
            SocketAddress from;
            try {
                buf.clear();
                from = channel.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("UDP tracker receive failed: {}", e.toString());
                }
                continue;
            }
            buf.flip();
            try {
                onDatagram(buf, from);
            } catch (RuntimeException e) {
                LOG.warn("UDP tracker datagram handling failed", e);
            }
        }
    }

    private void onDatagram(ByteBuffer buf, SocketAddress from) {
        UdpTrackerPackets.Reply reply = UdpTrackerPackets.reply(buf);
        if (reply == null) {
            ignored.incrementAndGet();
            return;
        }
        int action = reply.action();
        int tid = reply.transactionId();
        ByteBuffer body = reply.body();
        UdpExchange ex = pending.get(tid);
        if (ex == null || !sameEndpoint(ex.target, from)) {
            ignored.incrementAndGet();
            return;
        }
        synchronized (ex) {
            if (ex.tid != tid || ex.result.isDone()) {
                ignored.incrementAndGet();
                return;
            }
            if (action == UdpTrackerPackets.ERROR) {
                fail(ex, new TrackerException("tracker error: " + UdpTrackerPackets.errorMessage(body)));
                return;
            }
            if (action != ex.stage) {
                fail(ex, new TrackerException("tracker answered action " + action + " to action " + ex.stage));
                return;
            }
            if (ex.stage == UdpTrackerPackets.CONNECT) {
                long connectionId;
                try {
                    connectionId = UdpTrackerPackets.connectionId(body);
                } catch (TrackerResponseException e) {
                    fail(ex, new TrackerException(e.getMessage(), e));
                    return;
                }
                long now = nanoClock.getAsLong();
                ex.connectionId = connectionId;
                ex.connectedAt = now;
                connections.put(ex.target, new long[] {ex.connectionId, now});
                ex.stage = ex.action;
                send(ex, 0);
                return;
            }
            pending.remove(tid);
            ByteBuffer copy = ByteBuffer.allocate(body.remaining());
            copy.put(body).flip();
            ex.result.complete(copy);
        }
    }

    private static boolean sameEndpoint(InetSocketAddress target, SocketAddress from) {
        if (!(from instanceof InetSocketAddress f) || f.getPort() != target.getPort()) {
            return false;
        }
        // A dual-stack socket reports IPv4 senders as IPv4-mapped IPv6 addresses on some systems.
        byte[] a = f.getAddress().getAddress();
        byte[] b = target.getAddress().getAddress();
        return java.util.Arrays.equals(a, b) || (a.length == 16 && b.length == 4 && isMapped(a, b));
    }

    private static boolean isMapped(byte[] v6, byte[] v4) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff && v6[12] == v4[0] && v6[13] == v4[1] && v6[14] == v4[2] && v6[15] == v4[3];
    }

    private void fail(UdpExchange ex, TrackerException e) {
        pending.remove(ex.tid, ex);
        ex.result.completeExceptionally(e);
    }

    @Override
    public void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        resolver.shutdownNow();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("close", e);
        }
        for (UdpExchange ex : pending.values()) {
            fail(ex, new TrackerException("client closed"));
        }
    }

    /** Builds the request packet for a connection id and transaction id. */
    @FunctionalInterface
    interface PacketBuilder {
        byte[] build(long connectionId, int transactionId);
    }

    /** One announce or scrape in flight: its stage (connect first when needed), attempt and deadline. */
    private static final class UdpExchange {
        final InetSocketAddress target;
        final int action;
        final PacketBuilder builder;
        final CompletableFuture<ByteBuffer> result = new CompletableFuture<>();
        int stage;
        int tid;
        int attempt;
        long deadline;
        long connectionId;
        long connectedAt;
        byte[] packet;

        UdpExchange(InetSocketAddress target, int action, PacketBuilder builder) {
            this.target = target;
            this.action = action;
            this.builder = builder;
        }
    }
}
