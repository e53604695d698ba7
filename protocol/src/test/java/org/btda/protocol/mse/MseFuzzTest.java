package org.btda.protocol.mse;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.btda.protocol.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * 100,000 inputs to each side of the MSE handshake: random bytes and mutations of real transcripts (the keys come from
 * fixed seeds, so a mutated transcript still matches the DH secret up to the mutated byte). Only {@link MseException}
 * may escape, and nothing is buffered beyond the sync windows and declared lengths.
 */
class MseFuzzTest {
    private static final byte[] IH = MseHandshakeTest.INFO_HASH;

    // one key pair per side for the whole run, as the seeded transcripts were made with (saves a modPow per input)
    private static final MseKeys RESPONDER_KEYS = new MseKeys(new Random(2));
    private static final MseKeys INITIATOR_KEYS = new MseKeys(new Random(1));

    private static MseHandshake responder() {
        return MseHandshake.withKeys(false, null, MseHandshakeTest.lookup(IH), EnumSet.allOf(MseEncryption.class),
                MseLimits.DEFAULT, new Random(3), RESPONDER_KEYS);
    }

    private static MseHandshake initiator() {
        return MseHandshake.withKeys(true, IH, null, EnumSet.of(MseEncryption.RC4), MseLimits.DEFAULT, new Random(4),
                INITIATOR_KEYS);
    }

    /** Valid steps 1+3 (for the responder) and 2+4 (for the initiator), made by the same seeded keys. */
    private static byte[][] transcripts() {
        MseHandshake a = initiator();
        MseHandshake b = responder();
        ByteBuf atA = Unpooled.buffer();
        ByteBuf atB = Unpooled.buffer();
        byte[] step1 = a.start();
        byte[] step2 = MseHandshakeTest.feed(b, atB, step1, null);
        byte[] step3 = MseHandshakeTest.feed(a, atA, step2, MseHandshakeTest.BT_HANDSHAKE);
        byte[] step4 = MseHandshakeTest.feed(b, atB, step3, null);
        byte[] payload = b.writer().crypt(new byte[] {0, 0, 0, 1, 2});
        return new byte[][] {MseHandshakeTest.concat(step1, step3), MseHandshakeTest.concat(step2, step4, payload)};
    }

    private static void run(MseHandshake hs, byte[] input, int chunk) {
        ByteBuf in = Unpooled.buffer();
        ByteBuf out = Unpooled.buffer();
        try {
            for (int at = 0; at < input.length && !hs.done(); at += chunk) {
                in.writeBytes(input, at, Math.min(chunk, input.length - at));
                hs.receive(in, out, () -> MseHandshakeTest.BT_HANDSHAKE);
                if (in.readableBytes() > 628 + 65535 + 2) throw new AssertionError("buffered " + in.readableBytes());
            }
        } catch (MseException expected) {
            // declared
        }
    }

    @Test
    void responderSurvivesRandomAndMutatedInitiators() {
        byte[][] t = transcripts();
        Random chunks = new Random(11);
        Fuzz.run(0x5e11L, 100_000, List.of(t[0]), 700, in -> run(responder(), in, 1 + chunks.nextInt(200)));
    }

    @Test
    void initiatorSurvivesRandomAndMutatedResponders() {
        byte[][] t = transcripts();
        Random chunks = new Random(12);
        Fuzz.run(0x5e12L, 100_000, List.of(t[1]), 700, in -> {
            MseHandshake a = initiator();
            a.start();
            run(a, in, 1 + chunks.nextInt(200));
        });
    }
}
