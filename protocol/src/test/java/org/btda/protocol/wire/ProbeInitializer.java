package org.btda.protocol.wire;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Pipeline of one probe connection: quiet timer on raw reads, the btda codec, then the session handler. */
final class ProbeInitializer extends ChannelInitializer<SocketChannel> {
    private final Handshake ours;
    private final boolean incoming;
    private final int totalPieces;
    private final Duration quiet;
    private final WireCounters counters;
    private final CompletableFuture<ProbeResult> result;

    ProbeInitializer(Handshake ours, boolean incoming, int totalPieces, Duration quiet, WireCounters counters,
            CompletableFuture<ProbeResult> result) {
        this.ours = ours;
        this.incoming = incoming;
        this.totalPieces = totalPieces;
        this.quiet = quiet;
        this.counters = counters;
        this.result = result;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast("quiet", new IdleStateHandler(quiet.toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        PeerWirePipeline.install(ch.pipeline(), incoming, PeerWireLimits.DEFAULT, ExtensionIds.DEFAULT, counters);
        ch.pipeline().addLast("probe", new ProbeHandler(ours, incoming, ExtensionIds.DEFAULT, totalPieces, result));
    }
}
