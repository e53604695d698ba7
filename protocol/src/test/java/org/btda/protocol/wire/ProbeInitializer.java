package org.btda.protocol.wire;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Function;
import org.btda.protocol.mse.MseCounters;
import org.btda.protocol.mse.MseDetector;
import org.btda.protocol.mse.MseEncryption;
import org.btda.protocol.mse.MseHandshake;
import org.btda.protocol.mse.MseHandshakeHandler;
import org.btda.protocol.mse.MseLimits;
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
    private final Function<byte[], byte[]> mseTorrents;

    ProbeInitializer(Handshake ours, boolean incoming, int totalPieces, Duration quiet, WireCounters counters,
            CompletableFuture<ProbeResult> result) {
        this(ours, incoming, totalPieces, quiet, counters, result, null);
    }

    /** @param mseTorrents non-null: accept MSE/PE too, the torrent found by req2 through this lookup */
    ProbeInitializer(Handshake ours, boolean incoming, int totalPieces, Duration quiet, WireCounters counters,
            CompletableFuture<ProbeResult> result, Function<byte[], byte[]> mseTorrents) {
        this.mseTorrents = mseTorrents;
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
        if (mseTorrents != null) {
            ch.pipeline().addLast(MseDetector.NAME, new MseDetector(() -> new MseHandshakeHandler(
                    MseHandshake.responder(mseTorrents, EnumSet.allOf(MseEncryption.class), MseLimits.DEFAULT,
                            new SecureRandom()), new MseCounters(4))));
        }
        PeerWirePipeline.install(ch.pipeline(), incoming, PeerWireLimits.DEFAULT, ExtensionIds.DEFAULT, counters);
        ch.pipeline().addLast("probe", new ProbeHandler(ours, incoming, ExtensionIds.DEFAULT, totalPieces, result));
    }
}
