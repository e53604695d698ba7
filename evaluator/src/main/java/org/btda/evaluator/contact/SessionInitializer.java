package org.btda.evaluator.contact;

import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;

import org.btda.events.Encryption;
import org.btda.protocol.mse.MseHandshakeHandler;
import org.btda.protocol.wire.HandshakeDecoder;
import org.btda.protocol.wire.HandshakeEncoder;
import org.btda.protocol.wire.PeerMessageDecoder;
import org.btda.protocol.wire.PeerMessageEncoder;

/**
 * Pipeline of one contact: the MSE/PE transport when the contact is encrypted (it hands plaintext up and takes it
 * down, so nothing above it knows), handshake decoder (removes itself after 68 bytes), framed message decoder, then the idle
 * handler — behind the decoders so that it is reset by whole messages, not by single bytes (a peer dribbling one byte a
 * second is quiet) — the piece-count grace (ends the contact once the piece count is known) and the session handler.
 */
final class SessionInitializer extends ChannelInitializer<Channel> {

    private final Session session;
    private final SessionWiring wiring;

    private final boolean encrypted;

    SessionInitializer(Session session, SessionWiring wiring) {
        this(session, wiring, false);
    }

    /** @param encrypted MSE/PE below the codec: our handshake then travels as the initial payload of step 3 */
    SessionInitializer(Session session, SessionWiring wiring, boolean encrypted) {
        this.session = session;
        this.wiring = wiring;
        this.encrypted = encrypted;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (encrypted) {
            p.addLast(MseHandshakeHandler.NAME, wiring.mseInitiator(session.target.infoHash()));
            session.encryption = Encryption.RC4;
        }
        p.addLast("handshake-encoder", HandshakeEncoder.INSTANCE);
        p.addLast("message-encoder", PeerMessageEncoder.INSTANCE);
        p.addLast("handshake-decoder", new HandshakeDecoder(false, wiring.counters()));
        p.addLast("message-decoder", new PeerMessageDecoder(wiring.limits(), SessionWiring.EXTENSION_IDS, wiring.counters()));
        p.addLast("quiet", new IdleStateHandler(false, wiring.quietMillis(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast("piece-grace", new PieceCountGrace(wiring.pieceGraceMillis()));
        p.addLast("session", new SessionHandler(session, wiring));
    }
}
