package org.btda.protocol.wire;

import io.netty.channel.ChannelPipeline;

/**
 * Installs the codec in the order the protocol needs: handshake decoder (removes itself after 68 bytes), then the
 * message decoder; encoders for both. Business handlers go after these.
 */
public final class PeerWirePipeline {
    public static final String HANDSHAKE_DECODER = "bt-handshake-decoder";
    public static final String MESSAGE_DECODER = "bt-message-decoder";
    public static final String HANDSHAKE_ENCODER = "bt-handshake-encoder";
    public static final String MESSAGE_ENCODER = "bt-message-encoder";

    private PeerWirePipeline() {
    }

    /**
     * @param incoming true for accepted connections: the handshake decoder then also emits {@link HandshakePrefix}
     */
    public static void install(ChannelPipeline p, boolean incoming, PeerWireLimits limits, ExtensionIds localIds,
            WireCounters counters) {
        p.addLast(HANDSHAKE_DECODER, new HandshakeDecoder(incoming, counters));
        p.addLast(MESSAGE_DECODER, new PeerMessageDecoder(limits, localIds, counters));
        p.addLast(HANDSHAKE_ENCODER, HandshakeEncoder.INSTANCE);
        p.addLast(MESSAGE_ENCODER, PeerMessageEncoder.INSTANCE);
    }

    /**
     * BEP 6 policy for what btda says about its own pieces after the handshake: it has none, so have_none when both
     * sides set the fast bit (fast messages are only allowed then), otherwise nothing (an absent bitfield means none).
     */
    public static boolean shouldSendHaveNone(Handshake ours, Handshake theirs) {
        return ours.supportsFastExtension() && theirs.supportsFastExtension();
    }
}
