package org.btda.harvester.dht;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.dht.Krpc;
import org.btda.protocol.dht.KrpcException;
import org.btda.protocol.dht.KrpcMessage;
import org.btda.protocol.dht.NodeId;
import org.btda.protocol.dht.NodeInfo;
import org.btda.protocol.metainfo.InfoHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mainline DHT node (BEP 5) on one Netty UDP channel. It answers ping, find_node, get_peers and announce_peer like
 * any good citizen, runs iterative lookups for the harvester and announces when asked. All packet handling runs on the
 * channel's event loop; the routing tables, token manager and peer store are small synchronized objects.
 *
 * <p>IPv6 (BEP 32): the families the socket serves follow its bind address: an IPv4 address serves IPv4, an IPv6
 * address IPv6, the wildcard both (the JDK opens a dual-stack socket). Each family has its own routing table, as BEP 32
 * asks, and its own lookups ({@code nodes} vs {@code nodes6}); a lookup's peers are the union of both.
 *
 * <p>Hostile input is counted in {@link DhtCounters} and dropped: malformed datagrams, replies with an unknown
 * transaction id, and replies from an address other than the one queried (spoofing).
 */
public final class DhtNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DhtNode.class);
    /** Queries of one lookup; with alpha ≤ 8 and K = 8 real lookups converge in far fewer. */
    static final int MAX_QUERIES_PER_LOOKUP = 256;
    /** Longest a query may wait for the rate limiter before it is refused. */
    static final long MAX_RATE_DELAY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final DhtConfig config;
    private final NodeId id;
    private final RoutingTable table4;
    private final RoutingTable table6;
    /** The families this socket serves: {@code [false, true]} = IPv6 only. */
    private final boolean serves4;
    private final boolean serves6;
    private final TokenManager tokens = new TokenManager(System::currentTimeMillis);
    private final PeerStore peerStore = new PeerStore();
    private final TokenBucket rate;
    private final DhtCounters counters = new DhtCounters();
    private final ConcurrentHashMap<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger nextTid = new AtomicInteger(new Random().nextInt());
    private final Random random = new Random();
    private final List<NodeInfo> savedNodes;
    private final EventLoopGroup ownGroup;
    private final Channel channel;
    private final EventLoop loop;
    private final ScheduledFuture<?> maintenance;
    private volatile boolean closed;

    private record Pending(InetSocketAddress to, NodeId expected, CompletableFuture<KrpcMessage.Response> future,
            ScheduledFuture<?> timeout) {
    }

    private DhtNode(DhtConfig config, EventLoopGroup group, boolean ownsGroup) throws InterruptedException {
        this.config = config;
        DhtStateStore.State state = DhtStateStore.load(config.stateFile());
        this.id = state != null ? state.id() : NodeId.random();
        this.savedNodes = state != null ? state.nodes() : List.of();
        this.table4 = new RoutingTable(id, System.currentTimeMillis());
        this.table6 = new RoutingTable(id, System.currentTimeMillis());
        this.rate = new TokenBucket(config.maxQueriesPerSecond(), MAX_RATE_DELAY_NANOS, System::nanoTime);
        this.ownGroup = ownsGroup ? group : null;
        Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                // one byte over the limit: a longer datagram arrives truncated at MAX_PACKET + 1 and is rejected
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(Krpc.MAX_PACKET + 1))
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .handler(new Handler());
        this.channel = b.bind(config.bind()).sync().channel();
        this.loop = channel.eventLoop();
        InetAddress local = localAddress().getAddress();
        this.serves6 = local instanceof Inet6Address;
        this.serves4 = !serves6 || local.isAnyLocalAddress();
        long every = config.maintenanceInterval().toMillis();
        this.maintenance = loop.scheduleWithFixedDelay(this::maintain, every, every, TimeUnit.MILLISECONDS);
    }

    /** Binds and starts bootstrapping in the background (see {@link #bootstrap()}); owns a one-thread event loop. */
    public static DhtNode start(DhtConfig config) throws InterruptedException {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            DhtNode node = new DhtNode(config, group, true);
            node.bootstrap();
            return node;
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** Like {@link #start(DhtConfig)} on a shared group (many nodes in one process, e.g. benchmarks). */
    public static DhtNode start(DhtConfig config, EventLoopGroup group) throws InterruptedException {
        DhtNode node = new DhtNode(config, group, false);
        node.bootstrap();
        return node;
    }

    public NodeId id() {
        return id;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public DhtCounters counters() {
        return counters;
    }

    /** Nodes in both routing tables. */
    public int routingTableSize() {
        return table4.size() + table6.size();
    }

    /** IPv4 nodes first, then IPv6. */
    public List<NodeInfo> routingTableNodes() {
        List<NodeInfo> out = new ArrayList<>(table4.nodes());
        out.addAll(table6.nodes());
        return out;
    }

    /** Nodes in the routing table of one family. */
    public int routingTableSize(boolean ipv6) {
        return table(ipv6).size();
    }

    private RoutingTable table(boolean ipv6) {
        return ipv6 ? table6 : table4;
    }

    private RoutingTable tableFor(InetSocketAddress a) {
        return table(isIpv6(a));
    }

    private static boolean isIpv6(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address;
    }

    /** The families served, IPv4 first. */
    private List<Boolean> families() {
        List<Boolean> out = new ArrayList<>(2);
        if (serves4) {
            out.add(false);
        }
        if (serves6) {
            out.add(true);
        }
        return out;
    }

    private List<InetSocketAddress> bootstrapNodes(boolean ipv6) {
        return config.bootstrap().stream().filter(a -> a.getAddress() != null && isIpv6(a) == ipv6).toList();
    }

    /**
     * Fills the routing tables: per family served, a find_node lookup for our own id, seeded with the saved table and
     * the configured bootstrap nodes of that family. Completes with the number of nodes in both tables.
     */
    public CompletableFuture<Integer> bootstrap() {
        List<CompletableFuture<Integer>> all = families().stream().map(this::bootstrap).toList();
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> routingTableSize());
    }

    private CompletableFuture<Integer> bootstrap(boolean ipv6) {
        RoutingTable table = table(ipv6);
        List<NodeInfo> seeds = new ArrayList<>(savedNodes);
        seeds.addAll(table.closest(id, RoutingTable.K));
        return new Lookup(this::query, id, id, false, ipv6, config.alpha(), MAX_QUERIES_PER_LOOKUP, seeds,
                bootstrapNodes(ipv6)).run().thenApply(l -> table.size());
    }

    /**
     * Iterative get_peers for {@code infoHash} in every family served (bootstrapping a family whose table is empty
     * first); the result merges them: peers of both families, the closest token holders of each.
     */
    public CompletableFuture<LookupResult> lookup(InfoHash infoHash) {
        NodeId target = NodeId.of(infoHash);
        counters.lookups.increment();
        List<CompletableFuture<Lookup>> runs = new ArrayList<>();
        for (boolean ipv6 : families()) {
            RoutingTable table = table(ipv6);
            CompletableFuture<Integer> ready = table.size() == 0 ? bootstrap(ipv6) : CompletableFuture.completedFuture(0);
            runs.add(ready.thenCompose(ignored -> {
                List<InetSocketAddress> anon = table.size() < RoutingTable.K ? bootstrapNodes(ipv6) : List.of();
                return new Lookup(this::query, id, target, true, ipv6, config.alpha(), MAX_QUERIES_PER_LOOKUP,
                        table.closest(target, RoutingTable.K), anon).run();
            }));
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Set<InetSocketAddress> peers = new LinkedHashSet<>();
            List<LookupResult.TokenHolder> closest = new ArrayList<>();
            int queried = 0;
            int responded = 0;
            for (CompletableFuture<Lookup> run : runs) {
                Lookup l = run.join();
                peers.addAll(l.peers());
                closest.addAll(l.closestResponded());
                queried += l.queried();
                responded += l.responded();
            }
            return new LookupResult(infoHash, new ArrayList<>(peers), queried, responded, closest);
        });
    }

    /**
     * Looks up {@code infoHash} and sends announce_peer (our IP as the others see it, {@code port}) to the closest nodes
     * that gave a token. Completes with the lookup result and the number of nodes that acknowledged.
     */
    public CompletableFuture<AnnounceResult> announce(InfoHash infoHash, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        return lookup(infoHash).thenCompose(result -> {
            List<CompletableFuture<Boolean>> acks = new ArrayList<>();
            for (LookupResult.TokenHolder h : result.closest()) {
                if (h.token() == null) {
                    continue;
                }
                BDict args = Krpc.withId(id).put("info_hash", infoHash.bytes()).put("port", (long) port)
                        .put("token", h.token()).put("implied_port", 0L);
                acks.add(query(h.node().address(), h.node().id(), "announce_peer", args)
                        .handle((r, err) -> err == null));
            }
            return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply(v ->
                    new AnnounceResult(result, (int) acks.stream().filter(CompletableFuture::join).count()));
        });
    }

    /** Outcome of {@link #announce}. */
    public record AnnounceResult(LookupResult lookup, int acknowledged) {
    }

    public CompletableFuture<KrpcMessage.Response> ping(InetSocketAddress to) {
        return query(to, null, "ping", Krpc.withId(id));
    }

    /**
     * Sends one query through the rate limiter. Fails with {@link TimeoutException} after the query timeout,
     * {@link RejectedExecutionException} when the limiter's backlog is full or the node closed, and
     * {@link KrpcException} on an error reply.
     */
    CompletableFuture<KrpcMessage.Response> query(InetSocketAddress to, NodeId expected, String method, BDict args) {
        CompletableFuture<KrpcMessage.Response> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new RejectedExecutionException("DHT node closed"));
            return f;
        }
        long wait = rate.reserve();
        if (wait < 0) {
            counters.rateLimited.increment();
            f.completeExceptionally(new RejectedExecutionException("DHT query rate limit backlog full"));
            return f;
        }
        Runnable send = () -> send(to, expected, method, args, f);
        try {
            if (wait == 0) {
                loop.execute(send);
            } else {
                loop.schedule(send, wait, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    private void send(InetSocketAddress to, NodeId expected, String method, BDict args,
            CompletableFuture<KrpcMessage.Response> f) {
        if (closed) {
            f.completeExceptionally(new RejectedExecutionException("DHT node closed"));
            return;
        }
        int tid = -1;
        for (int tries = 0; tries < 1 << 16; tries++) {
            int candidate = nextTid.getAndIncrement() & 0xffff;
            if (!pending.containsKey(candidate)) {
                tid = candidate;
                break;
            }
        }
        if (tid < 0) {
            f.completeExceptionally(new RejectedExecutionException("no free transaction id"));
            return;
        }
        final int t = tid;
        ScheduledFuture<?> timeout = loop.schedule(() -> onTimeout(t), config.queryTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        pending.put(t, new Pending(to, expected, f, timeout));
        byte[] packet = Krpc.encode(new KrpcMessage.Query(new byte[] {(byte) (t >>> 8), (byte) t}, method, id, args,
                false));
        counters.queriesSent.increment();
        counters.packetsOut.increment();
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(packet), to));
    }

    private void onTimeout(int tid) {
        Pending p = pending.remove(tid);
        if (p == null) {
            return;
        }
        counters.timeouts.increment();
        if (p.expected() != null) {
            tableFor(p.to()).failed(p.expected());
        }
        p.future().completeExceptionally(new TimeoutException("no answer from " + p.to()));
    }

    private void maintain() {
        long now = System.currentTimeMillis();
        peerStore.expire(now);
        for (boolean ipv6 : families()) {
            RoutingTable table = table(ipv6);
            if (table.size() == 0 && !bootstrapNodes(ipv6).isEmpty()) {
                bootstrap(ipv6);
            }
            for (NodeId target : table.refreshTargets(now, random)) {
                new Lookup(this::query, id, target, false, ipv6, config.alpha(), MAX_QUERIES_PER_LOOKUP,
                        table.closest(target, RoutingTable.K), List.of()).run();
            }
        }
        saveState();
    }

    private void saveState() {
        if (config.stateFile() == null) {
            return;
        }
        List<NodeInfo> nodes = routingTableNodes();
        try {
            DhtStateStore.save(config.stateFile(), id, nodes.isEmpty() ? savedNodes : nodes);
        } catch (IOException e) {
            LOG.warn("cannot save DHT state to {}: {}", config.stateFile(), e.toString());
        }
    }

    /** Saves the routing table, fails outstanding queries and closes the socket. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        maintenance.cancel(false);
        saveState();
        pending.values().forEach(p -> {
            p.timeout().cancel(false);
            p.future().completeExceptionally(new RejectedExecutionException("DHT node closed"));
        });
        pending.clear();
        channel.close().syncUninterruptibly();
        if (ownGroup != null) {
            ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    // ---- incoming ---------------------------------------------------------------------------------------------------

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            counters.packetsIn.increment();
            ByteBuf buf = packet.content();
            byte[] data = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), data);
            InetSocketAddress from = packet.sender();
            KrpcMessage m;
            try {
                m = Krpc.decode(data);
            } catch (KrpcException e) {
                counters.malformed.increment();
                return;
            }
            if (m instanceof KrpcMessage.Query q) {
                byte[] reply = answer(q, from);
                counters.packetsOut.increment();
                ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(reply), from));
            } else {
                onReply(m, from);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // UDP errors (ICMP unreachable surfaced as PortUnreachableException) are per packet: keep serving
            LOG.debug("DHT socket error: {}", cause.toString());
        }
    }

    private void onReply(KrpcMessage m, InetSocketAddress from) {
        byte[] t = m.transactionId();
        Integer tid = t.length == 2 ? ((t[0] & 0xff) << 8) | (t[1] & 0xff) : null;
        Pending p = tid == null ? null : pending.get(tid);
        if (p == null) {
            counters.unknownTransaction.increment();
            return;
        }
        if (!p.to().equals(from)) {
            counters.spoofedResponse.increment();
            return; // leave the query outstanding: the real node may still answer
        }
        pending.remove(tid);
        p.timeout().cancel(false);
        if (m instanceof KrpcMessage.Response r) {
            counters.responsesReceived.increment();
            tableFor(from).seen(new NodeInfo(r.sender(), from), System.currentTimeMillis());
            p.future().complete(r);
        } else if (m instanceof KrpcMessage.Error e) {
            counters.errorsReceived.increment();
            p.future().completeExceptionally(new KrpcException("error " + e.code() + ": " + e.message()));
        }
    }

    /** The encoded reply to one query (a response, or a KRPC error for bad arguments / unknown methods). */
    private byte[] answer(KrpcMessage.Query q, InetSocketAddress from) {
        counters.queriesReceived.increment();
        long now = System.currentTimeMillis();
        if (!q.readOnly()) {
            tableFor(from).seen(new NodeInfo(q.sender(), from), now);
        }
        try {
            BDict r = Krpc.withId(id);
            switch (q.method()) {
                case "ping" -> {
                }
                case "find_node" -> putNodes(r, Krpc.id(q.args(), "target"), Krpc.Want.of(q.args(), from));
                case "get_peers" -> {
                    NodeId hash = Krpc.id(q.args(), "info_hash");
                    r.put("token", tokens.tokenFor(from.getAddress()));
                    // BEP 32: values of the family the query came over (an IPv4 node cannot dial IPv6 peers).
                    List<Object> compact = new ArrayList<>();
                    for (InetSocketAddress v : peerStore.get(hash, now)) {
                        if (isIpv6(v) == isIpv6(from)) {
                            compact.add(Krpc.compactPeer(v));
                        }
                    }
                    if (!compact.isEmpty()) {
                        r.put("values", compact);
                    }
                    putNodes(r, hash, Krpc.Want.of(q.args(), from));
                }
                case "announce_peer" -> {
                    NodeId hash = Krpc.id(q.args(), "info_hash");
                    if (!tokens.valid(Krpc.bytes(q.args(), "token"), from.getAddress())) {
                        counters.badToken.increment();
                        return error(q, Krpc.ERROR_PROTOCOL, "bad token");
                    }
                    boolean implied = q.args().get("implied_port") instanceof Long l && l == 1;
                    long port = implied ? from.getPort() : q.args().get("port") instanceof Long l ? l : -1;
                    if (port < 1 || port > 65535) {
                        return error(q, Krpc.ERROR_PROTOCOL, "bad port");
                    }
                    if (peerStore.add(hash, new InetSocketAddress(from.getAddress(), (int) port), now)) {
                        counters.announcesStored.increment();
                    }
                }
                default -> {
                    return error(q, Krpc.ERROR_METHOD_UNKNOWN, "Method Unknown");
                }
            }
            return Krpc.encode(new KrpcMessage.Response(q.transactionId(), id, r));
        } catch (KrpcException e) {
            return error(q, Krpc.ERROR_PROTOCOL, e.getMessage());
        }
    }

    /** {@code nodes} and/or {@code nodes6} (BEP 32 {@code want}): the K closest of each table asked for. */
    private void putNodes(BDict r, NodeId target, Krpc.Want want) {
        if (want.n4()) {
            r.put("nodes", Krpc.encodeNodes(table4.closest(target, RoutingTable.K)));
        }
        if (want.n6()) {
            r.put("nodes6", Krpc.encodeNodes6(table6.closest(target, RoutingTable.K)));
        }
    }

    private static byte[] error(KrpcMessage.Query q, long code, String message) {
        return Krpc.encode(new KrpcMessage.Error(q.transactionId(), code, message));
    }
}
