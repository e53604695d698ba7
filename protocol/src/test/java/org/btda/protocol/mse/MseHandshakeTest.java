package org.btda.protocol.mse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.HexFormat;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class MseHandshakeTest {
    static final byte[] INFO_HASH = bytes(20, 7);
    static final byte[] BT_HANDSHAKE = bytes(68, 3);

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Function<byte[], byte[]> lookup(byte[]... infoHashes) {
        Map<String, byte[]> m = new java.util.HashMap<>();
        for (byte[] ih : infoHashes) m.put(HexFormat.of().formatHex(MseKeys.req2(ih)), ih);
        return r -> m.get(HexFormat.of().formatHex(r));
    }

    static byte[] drain(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    /** Feeds {@code bytes} to {@code hs} and returns what it answers. */
    static byte[] feed(MseHandshake hs, ByteBuf in, byte[] bytes, byte[] ia) {
        in.writeBytes(bytes);
        ByteBuf out = Unpooled.buffer();
        hs.receive(in, out, () -> ia);
        return drain(out);
    }

    @Test
    void primeIsTheSpecificationsSevenHundredSixtyEightBitPrime() {
        assertThat(MseKeys.P.bitLength()).isEqualTo(768);
        assertThat(MseKeys.P.isProbablePrime(64)).isTrue();
        assertThat(MseKeys.P.toString(16)).endsWith("a63a36210000000000090563");
    }

    @Test
    void bothSidesAgreeOnRc4AndTheInitialPayloadArrives() {
        MseHandshake a = MseHandshake.initiator(INFO_HASH, EnumSet.of(MseEncryption.RC4), MseLimits.DEFAULT, new Random(1));
        MseHandshake b = MseHandshake.responder(lookup(bytes(20, 99), INFO_HASH), EnumSet.allOf(MseEncryption.class),
                MseLimits.DEFAULT, new Random(2));
        ByteBuf atA = Unpooled.buffer();
        ByteBuf atB = Unpooled.buffer();
        byte[] step2 = feed(b, atB, a.start(), null);
        assertThat(step2.length).isBetween(96, 96 + 64);
        byte[] step3 = feed(a, atA, step2, BT_HANDSHAKE);
        assertThat(a.done()).isFalse();
        // the responder gets step 3 split in single bytes: no field may be read before it is whole
        byte[] step4 = new byte[0];
        for (byte x : step3) step4 = concat(step4, feed(b, atB, new byte[] {x}, null));
        assertThat(b.done()).isTrue();
        assertThat(b.initialPayload()).isEqualTo(BT_HANDSHAKE);
        assertThat(b.infoHash()).isEqualTo(INFO_HASH);
        assertThat(b.selected()).isEqualTo(MseEncryption.RC4);
        // step 4 arrives with payload glued to it
        byte[] payload = "bitfield".getBytes(StandardCharsets.US_ASCII);
        byte[] encrypted = b.writer().crypt(payload.clone());
        atA.writeBytes(step4).writeBytes(encrypted);
        a.receive(atA, Unpooled.buffer(), () -> null);
        assertThat(a.done()).isTrue();
        assertThat(a.selected()).isEqualTo(MseEncryption.RC4);
        assertThat(a.reader().crypt(drain(atA))).isEqualTo(payload);
        // and the other direction continues the step-3 cipher
        assertThat(b.reader().crypt(a.writer().crypt(payload.clone()))).isEqualTo(payload);
    }

    @Test
    void responderSelectsPlaintextWhenThatIsAllTheInitiatorOffers() {
        MseHandshake a = MseHandshake.initiator(INFO_HASH, EnumSet.of(MseEncryption.PLAINTEXT), MseLimits.DEFAULT, new Random(1));
        MseHandshake b = MseHandshake.responder(lookup(INFO_HASH), EnumSet.allOf(MseEncryption.class), MseLimits.DEFAULT, new Random(2));
        ByteBuf atA = Unpooled.buffer();
        ByteBuf atB = Unpooled.buffer();
        byte[] step3 = feed(a, atA, feed(b, atB, a.start(), null), BT_HANDSHAKE);
        feed(a, atA, feed(b, atB, step3, null), null);
        assertThat(a.done()).isTrue();
        assertThat(b.selected()).isEqualTo(MseEncryption.PLAINTEXT);
        assertThat(a.selected()).isEqualTo(MseEncryption.PLAINTEXT);
        assertThat(a.reader()).isNull();
        assertThat(b.writer()).isNull();
        assertThat(b.initialPayload()).isEqualTo(BT_HANDSHAKE);
    }

    @Test
    void responderRefusesATorrentItDoesNotMonitor() {
        MseHandshake a = MseHandshake.initiator(INFO_HASH, EnumSet.of(MseEncryption.RC4), MseLimits.DEFAULT, new Random(1));
        MseHandshake b = MseHandshake.responder(lookup(bytes(20, 5)), EnumSet.allOf(MseEncryption.class), MseLimits.DEFAULT, new Random(2));
        ByteBuf atB = Unpooled.buffer();
        byte[] step3 = feed(a, Unpooled.buffer(), feed(b, atB, a.start(), null), BT_HANDSHAKE);
        assertThatThrownBy(() -> feed(b, atB, step3, null)).isInstanceOfSatisfying(MseException.class,
                e -> assertThat(e.violation()).isEqualTo(MseViolation.UNKNOWN_TORRENT));
    }

    @Test
    void hostileInitiatorWithAWrongVerificationConstantIsRejected() {
        // a peer that knows the torrent but encrypts a non-zero VC (e.g. a wrong key derivation)
        MseKeys hostile = new MseKeys(new Random(9));
        MseHandshake b = MseHandshake.responder(lookup(INFO_HASH), EnumSet.allOf(MseEncryption.class), MseLimits.DEFAULT, new Random(2));
        ByteBuf atB = Unpooled.buffer();
        byte[] step2 = feed(b, atB, hostile.publicKey(), null);
        byte[] s = hostile.secret(Arrays.copyOf(step2, 96));
        byte[] header = new byte[16];
        header[3] = 1; // VC byte 3 set
        header[11] = 2;
        byte[] step3 = concat(MseKeys.req1(s), MseKeys.xor(MseKeys.req2(INFO_HASH), MseKeys.req3(s)),
                new Rc4(MseKeys.keyA(s, INFO_HASH)).crypt(header));
        assertThatThrownBy(() -> feed(b, atB, step3, null)).isInstanceOfSatisfying(MseException.class,
                e -> assertThat(e.violation()).isEqualTo(MseViolation.BAD_VC));
    }

    @Test
    void hostileInitiatorWithEndlessPaddingIsCutOffAtTheSyncWindow() {
        MseHandshake b = MseHandshake.responder(lookup(INFO_HASH), EnumSet.allOf(MseEncryption.class), MseLimits.DEFAULT, new Random(2));
        ByteBuf atB = Unpooled.buffer();
        feed(b, atB, new MseKeys(new Random(9)).publicKey(), null);
        Random r = new Random(3);
        int sent = 96;
        try {
            while (sent < 100_000) { // far beyond the window: the loop must end by the exception
                byte[] chunk = new byte[17];
                r.nextBytes(chunk);
                feed(b, atB, chunk, null);
                sent += chunk.length;
            }
            throw new AssertionError("endless padding was accepted up to " + sent + " bytes");
        } catch (MseException e) {
            assertThat(e.violation()).isEqualTo(MseViolation.SYNC_NOT_FOUND);
            assertThat(sent).isLessThanOrEqualTo(628 + 17);
            assertThat(atB.readableBytes()).isLessThanOrEqualTo(628);
        }
    }

    @Test
    void hostileResponderWithEndlessPaddingIsCutOffAtTheSyncWindow() {
        MseHandshake a = MseHandshake.initiator(INFO_HASH, EnumSet.of(MseEncryption.RC4), MseLimits.DEFAULT, new Random(1));
        a.start();
        ByteBuf atA = Unpooled.buffer();
        feed(a, atA, new MseKeys(new Random(9)).publicKey(), BT_HANDSHAKE);
        byte[] garbage = new byte[600];
        new Random(4).nextBytes(garbage);
        assertThatThrownBy(() -> feed(a, atA, garbage, null)).isInstanceOfSatisfying(MseException.class,
                e -> assertThat(e.violation()).isEqualTo(MseViolation.SYNC_NOT_FOUND));
    }

    @Test
    void degeneratePublicValuesAreRejected() {
        MseHandshake b = MseHandshake.responder(lookup(INFO_HASH), EnumSet.allOf(MseEncryption.class), MseLimits.DEFAULT, new Random(2));
        byte[] one = new byte[96];
        one[95] = 1;
        assertThatThrownBy(() -> feed(b, Unpooled.buffer(), one, null)).isInstanceOfSatisfying(MseException.class,
                e -> assertThat(e.violation()).isEqualTo(MseViolation.BAD_PUBLIC_KEY));
        byte[] pMinus1 = MseKeys.toBytes(MseKeys.P.subtract(BigInteger.ONE));
        MseHandshake c = MseHandshake.responder(lookup(INFO_HASH), EnumSet.allOf(MseEncryption.class), MseLimits.DEFAULT, new Random(2));
        assertThatThrownBy(() -> feed(c, Unpooled.buffer(), pMinus1, null)).isInstanceOf(MseException.class);
    }

    @Test
    void paddingAboveTheLimitIsRejectedBeforeItIsBuffered() {
        MseKeys hostile = new MseKeys(new Random(9));
        MseHandshake b = MseHandshake.responder(lookup(INFO_HASH), EnumSet.allOf(MseEncryption.class), MseLimits.DEFAULT, new Random(2));
        ByteBuf atB = Unpooled.buffer();
        byte[] s = hostile.secret(Arrays.copyOf(feed(b, atB, hostile.publicKey(), null), 96));
        byte[] header = new byte[14];
        header[11] = 2;
        header[12] = (byte) 0xff; // len(PadC) = 65535
        header[13] = (byte) 0xff;
        byte[] step3 = concat(MseKeys.req1(s), MseKeys.xor(MseKeys.req2(INFO_HASH), MseKeys.req3(s)),
                new Rc4(MseKeys.keyA(s, INFO_HASH)).crypt(header));
        assertThatThrownBy(() -> feed(b, atB, step3, null)).isInstanceOfSatisfying(MseException.class,
                e -> assertThat(e.violation()).isEqualTo(MseViolation.PADDING_TOO_LONG));
    }

    @Test
    void rc4DiscardsTheFirstKilobyte() {
        byte[] key = bytes(20, 1);
        byte[] full = new byte[1024 + 16];
        // reference: textbook RC4 keystream, of which MSE uses bytes 1024 onwards
        int[] s = new int[256];
        for (int i = 0; i < 256; i++) s[i] = i;
        for (int i = 0, j = 0; i < 256; i++) {
            j = (j + s[i] + (key[i % 20] & 0xff)) & 0xff;
            int t = s[i]; s[i] = s[j]; s[j] = t;
        }
        for (int k = 0, i = 0, j = 0; k < full.length; k++) {
            i = (i + 1) & 0xff;
            j = (j + s[i]) & 0xff;
            int t = s[i]; s[i] = s[j]; s[j] = t;
            full[k] = (byte) s[(s[i] + s[j]) & 0xff];
        }
        assertThat(new Rc4(key).crypt(new byte[16])).isEqualTo(Arrays.copyOfRange(full, 1024, full.length));
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static Set<MseEncryption> all() {
        return EnumSet.allOf(MseEncryption.class);
    }
}
