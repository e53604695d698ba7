package org.btda.evaluator.contact;

import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;

import org.btda.protocol.wire.HandshakeDecoder;
import org.btda.protocol.wire.HandshakeEncoder;
import org.btda.protocol.wire.PeerMessageDecoder;
import org.btda.protocol.wire.PeerMessageEncoder;

/**
 * Pipeline of one contact: handshake decoder (removes itself after 68 bytes), framed message decoder, then the idle
 * handler — behind the decoders so that it is reset by whole messages, not by single bytes (a peer dribbling one byte a
 * second is quiet) — and the session handler.
 */
final class SessionInitializer extends ChannelInitializer<Channel> {

    private final Session session;
    private final SessionWiring wiring;

    SessionInitializer(Session session, SessionWiring wiring) {
        this.session = session;
        this.wiring = wiring;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("handshake-encoder", HandshakeEncoder.INSTANCE);
        p.addLast("message-encoder", PeerMessageEncoder.INSTANCE);
        p.addLast("handshake-decoder", new HandshakeDecoder(false, wiring.counters()));
        p.addLast("message-decoder", new PeerMessageDecoder(wiring.limits(), SessionWiring.EXTENSION_IDS, wiring.counters()));
        p.addLast("quiet", new IdleStateHandler(false, wiring.quietMillis(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast("session", new SessionHandler(session, wiring));
    }
}
