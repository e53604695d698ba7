package org.btda.harvester.magnet;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.btda.protocol.magnet.MagnetUri;
import org.btda.protocol.metainfo.Metainfo;
import org.btda.protocol.wire.ExtensionIds;
import org.btda.protocol.wire.PeerWireLimits;
import org.btda.protocol.wire.PeerWirePipeline;
import org.btda.protocol.wire.WireCounters;

/**
 * Resolves a magnet link to its info dictionary over the extension protocol (BEP 10) with ut_metadata (BEP 9).
 *
 * <p>Several peers are asked in parallel, each on its own buffer with one outstanding 16 KiB request at a time (the
 * pace every client accepts; rtorrent answers one request at a time). Per-peer buffers cost a little bandwidth but a
 * peer sending wrong data can only spoil its own copy: the SHA-1 check identifies it exactly, it is dropped and the
 * next candidate takes its slot. The first copy that hashes to the info hash wins.
 */
public final class MagnetResolver implements AutoCloseable {
    /** btda's own ids: ut_metadata only (no PEX while fetching metadata). */
    static final ExtensionIds LOCAL_IDS = new ExtensionIds(0, 2);

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final MagnetOptions options;
    private final MagnetCounters counters = new MagnetCounters();
    private final WireCounters wireCounters = new WireCounters();
    private final byte[] peerId;

    public MagnetResolver(MagnetOptions options) {
        this(new NioEventLoopGroup(1), true, options);
    }

    public MagnetResolver(EventLoopGroup group, MagnetOptions options) {
        this(group, false, options);
    }

    private MagnetResolver(EventLoopGroup group, boolean ownsGroup, MagnetOptions options) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.options = options;
        this.peerId = newPeerId();
    }

    private static byte[] newPeerId() {
        byte[] id = new byte[20];
        byte[] prefix = "-BD0010-".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, id, 0, prefix.length);
        byte[] rest = new byte[12];
        new SecureRandom().nextBytes(rest);
        System.arraycopy(rest, 0, id, prefix.length, rest.length);
        return id;
    }

    public MagnetCounters counters() {
        return counters;
    }

    /**
     * Fetches and verifies the info dictionary of {@code magnet} from {@code peers} (plus its {@code x.pe} peers).
     * Completes with the parsed metainfo (trackers from {@code tr}), or fails with {@link MagnetResolveException}.
     */
    public CompletableFuture<Metainfo> resolve(MagnetUri magnet, Collection<InetSocketAddress> peers) {
        Set<InetSocketAddress> all = new LinkedHashSet<>(peers);
        magnet.peers().forEach(p -> {
            InetSocketAddress a = literal(p.host(), p.port());
            if (a != null) {
                all.add(a);
            }
        });
        Resolution r = new Resolution(magnet, all);
        r.start();
        return r.result.thenApply(raw -> {
            List<List<String>> tiers = new ArrayList<>();
            magnet.trackers().forEach(t -> tiers.add(List.of(t)));
            return Metainfo.fromInfoDictionary(raw, tiers);
        });
    }

    /** x.pe host as an address without DNS: only IP literals are dialled (names could reach arbitrary hosts). */
    private static InetSocketAddress literal(String host, int port) {
        byte[] ip = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host);
        if (ip == null) {
            return null;
        }
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(ip), port);
        } catch (java.net.UnknownHostException e) {
            return null; // unreachable for 4/16 bytes
        }
    }

    /** One magnet being resolved: a queue of candidate peers and up to maxParallelPeers sessions. */
    final class Resolution {
        final MagnetUri magnet;
        final Deque<InetSocketAddress> queue;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        final List<Channel> channels = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        ScheduledFuture<?> deadline;
        int active;

        Resolution(MagnetUri magnet, Collection<InetSocketAddress> peers) {
            this.magnet = magnet;
            this.queue = new ArrayDeque<>(peers);
        }

        void start() {
            deadline = group.next().schedule(() -> fail("timed out after " + options.totalTimeout()),
                    options.totalTimeout().toMillis(), TimeUnit.MILLISECONDS);
            startMore();
        }

        synchronized void startMore() {
            while (!result.isDone() && active < options.maxParallelPeers() && !queue.isEmpty()) {
                InetSocketAddress peer = queue.poll();
                active++;
                counters.sessions.increment();
                connect(peer);
            }
            if (!result.isDone() && active == 0 && queue.isEmpty()) {
                fail("no peer delivered metadata" + (failures.isEmpty() ? " (no peers)" : ": " + failures));
            }
        }

        private void connect(InetSocketAddress peer) {
            MetadataSession session = new MetadataSession(this, peer, magnet.infoHash(), peerId, options, counters);
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new IdleStateHandler(options.idleTimeout().toMillis(), 0, 0,
                                    TimeUnit.MILLISECONDS));
                            PeerWirePipeline.install(ch.pipeline(), false, PeerWireLimits.DEFAULT, LOCAL_IDS,
                                    wireCounters);
                            ch.pipeline().addLast(session);
                        }
                    });
            // The bind address serves peers of its own family only; the others are dialled from the system's choice.
            boolean fromBind = options.bindAddress() != null
                    && options.bindAddress().getClass() == peer.getAddress().getClass();
            ChannelFuture cf = fromBind ? b.connect(peer, new InetSocketAddress(options.bindAddress(), 0)) : b.connect(peer);
            synchronized (this) {
                channels.add(cf.channel());
            }
            cf.addListener(f -> {
                if (!f.isSuccess()) {
                    sessionFailed(peer, "connect: " + f.cause());
                }
            });
        }

        synchronized void sessionFailed(InetSocketAddress peer, String why) {
            failures.add(peer + " " + why);
            active--;
            startMore();
        }

        void succeeded(byte[] rawInfo) {
            synchronized (this) {
                if (result.isDone()) {
                    return;
                }
                counters.resolved.increment(); // before completing: callers read counters right after the future
            }
            if (result.complete(rawInfo)) {
                finish();
            }
        }

        private void fail(String why) {
            if (result.completeExceptionally(new MagnetResolveException(magnet.infoHash().hex() + ": " + why))) {
                finish();
            }
        }

        private synchronized void finish() {
            if (deadline != null) {
                deadline.cancel(false);
            }
            channels.forEach(Channel::close);
        }

        boolean done() {
            return result.isDone();
        }
    }

    @Override
    public void close() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
