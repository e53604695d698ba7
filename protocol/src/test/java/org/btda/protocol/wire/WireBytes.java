package org.btda.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Builds raw wire bytes by hand (independently of the encoder under test) and drives decoders. */
final class WireBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static WireBytes create() {
        return new WireBytes();
    }

    WireBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    WireBytes frame(int id, byte[] body) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(1 + body.length).array());
        out.write(id);
        out.writeBytes(body);
        return this;
    }

    WireBytes frame(int id, int... ints) {
        ByteBuffer b = ByteBuffer.allocate(4 * ints.length);
        for (int i : ints) {
            b.putInt(i);
        }
        return frame(id, b.array());
    }

    WireBytes length(long len) {
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) len).array());
        return this;
    }

    WireBytes extended(int extId, byte[] payload) {
        byte[] body = new byte[payload.length + 1];
        body[0] = (byte) extId;
        System.arraycopy(payload, 0, body, 1, payload.length);
        return frame(MessageId.EXTENDED, body);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] handshake(byte[] reserved, byte[] infoHash, byte[] peerId) {
        ByteBuffer b = ByteBuffer.allocate(68);
        b.put((byte) 19).put("BitTorrent protocol".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put(reserved).put(infoHash).put(peerId);
        return b.array();
    }

    static byte[] filled(int len, int value) {
        byte[] b = new byte[len];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    static EmbeddedChannel messageChannel(PeerWireLimits limits, WireCounters counters) {
        return new EmbeddedChannel(new PeerMessageDecoder(limits, ExtensionIds.DEFAULT, counters));
    }

    static EmbeddedChannel fullChannel(boolean incoming, WireCounters counters) {
        EmbeddedChannel ch = new EmbeddedChannel();
        PeerWirePipeline.install(ch.pipeline(), incoming, PeerWireLimits.DEFAULT, ExtensionIds.DEFAULT, counters);
        return ch;
    }

    /** Delivers {@code data} in chunks of {@code chunk} bytes and returns every inbound message. */
    static List<Object> deliver(EmbeddedChannel ch, byte[] data, int chunk) {
        for (int i = 0; i < data.length; i += chunk) {
            ByteBuf b = Unpooled.wrappedBuffer(data, i, Math.min(chunk, data.length - i));
            ch.writeInbound(b);
        }
        return drain(ch);
    }

    static List<Object> drain(EmbeddedChannel ch) {
        List<Object> msgs = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            msgs.add(m);
        }
        return msgs;
    }

    static byte[] outbound(EmbeddedChannel ch) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            byte[] x = new byte[b.readableBytes()];
            b.readBytes(x);
            b.release();
            o.writeBytes(x);
        }
        return o.toByteArray();
    }
}
