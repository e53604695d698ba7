package org.btda.protocol.mse;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;

/**
 * The MSE/PE handshake of one connection as a state machine over the bytes received, free of channels (so it can be
 * fuzzed and driven by any transport). The five steps of the specification:
 * <pre>
 * 1 A→B  Ya, PadA
 * 2 B→A  Yb, PadB
 * 3 A→B  HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S), E(VC, crypto_provide, len(PadC), PadC, len(IA)), E(IA)
 * 4 B→A  E(VC, crypto_select, len(PadD), PadD), E2(payload)
 * 5 A→B  E2(payload)
 * </pre>
 * E is RC4 under keyA (A→B) or keyB (B→A), first 1024 bytes discarded; E2 is the same cipher continued when RC4 was
 * selected, plaintext otherwise. Every length is checked against {@link MseLimits} before anything is buffered, the
 * two synchronisation searches stop at their window, and every failure is an {@link MseException}.
 *
 * <p>Use: {@link #start()} once (bytes to send first), then {@link #receive} with the cumulated input each time bytes
 * arrive, sending what it writes to {@code out}, until {@link #done()}; the input left after that is payload stream.
 */
public final class MseHandshake {
    private static final int KEY = MseKeys.PUBLIC_KEY_LENGTH;
    private static final byte[] VC = new byte[8];

    private enum State { PUBLIC_KEY, SYNC, REQ2, VC_HEADER, PADC_IA_LENGTH, IA, SELECT, PADD, DONE }

    private final boolean initiator;
    private final MseLimits limits;
    private final Random random;
    private final MseKeys keys;
    private final Set<MseEncryption> methods;
    private final Function<byte[], byte[]> torrentByReq2;
    private byte[] infoHash;
    private State state = State.PUBLIC_KEY;
    private long consumed;
    private byte[] secret;
    private byte[] syncPattern;
    private Rc4 reader;
    private Rc4 writer;
    private int pending; // length of the next variable field (PadC, IA, PadD)
    private int provided;
    private MseEncryption selected;
    private byte[] initialPayload = new byte[0];

    private MseHandshake(boolean initiator, byte[] infoHash, Function<byte[], byte[]> torrentByReq2,
                         Set<MseEncryption> methods, MseLimits limits, Random random) {
        this(initiator, infoHash, torrentByReq2, methods, limits, random, new MseKeys(random));
    }

    private MseHandshake(boolean initiator, byte[] infoHash, Function<byte[], byte[]> torrentByReq2,
                         Set<MseEncryption> methods, MseLimits limits, Random random, MseKeys keys) {
        if (methods.isEmpty()) throw new IllegalArgumentException("no encryption method allowed");
        this.initiator = initiator;
        this.infoHash = infoHash;
        this.torrentByReq2 = torrentByReq2;
        this.methods = EnumSet.copyOf(methods);
        this.limits = limits;
        this.random = random;
        this.keys = keys;
    }

    /** With given keys: tests reuse one key pair across many handshakes (each pair costs a modular exponentiation). */
    static MseHandshake withKeys(boolean initiator, byte[] infoHash, Function<byte[], byte[]> torrentByReq2,
                                 Set<MseEncryption> methods, MseLimits limits, Random random, MseKeys keys) {
        return new MseHandshake(initiator, infoHash == null ? null : infoHash.clone(), torrentByReq2, methods, limits,
                random, keys);
    }

    /** Side A: we dial, knowing the torrent, and offer {@code provide}. */
    public static MseHandshake initiator(byte[] infoHash, Set<MseEncryption> provide, MseLimits limits, Random random) {
        if (infoHash.length != 20) throw new IllegalArgumentException("info hash must be 20 bytes");
        return new MseHandshake(true, infoHash.clone(), null, provide, limits, random);
    }

    /**
     * Side B: we accepted the connection.
     *
     * @param torrentByReq2 HASH('req2', info hash) → that info hash, or null when not monitored
     * @param accept        methods we select from the peer's crypto_provide, RC4 first
     */
    public static MseHandshake responder(Function<byte[], byte[]> torrentByReq2, Set<MseEncryption> accept,
                                         MseLimits limits, Random random) {
        return new MseHandshake(false, null, torrentByReq2, accept, limits, random);
    }

    /** What to send on connect: Ya and PadA for the initiator, nothing for the responder (it answers Ya). */
    public byte[] start() {
        return initiator ? withPadding(keys.publicKey()) : new byte[0];
    }

    /**
     * Consumes what it can of {@code in}. Writes our next step to {@code out}. {@code initialPayload} (initiator only)
     * is asked once, when step 3 is composed: the bytes to send encrypted inside it, normally the BitTorrent handshake.
     */
    public void receive(ByteBuf in, ByteBuf out, Supplier<byte[]> initialPayload) {
        while (state != State.DONE) {
            if (!step(in, out, initialPayload)) return;
        }
    }

    private boolean step(ByteBuf in, ByteBuf out, Supplier<byte[]> ia) {
        switch (state) {
            case PUBLIC_KEY -> {
                if (!take(in, KEY)) return false;
                byte[] peerKey = read(in, KEY);
                secret = keys.secret(peerKey);
                if (initiator) {
                    sendRequest(out, ia.get());
                    reader = new Rc4(MseKeys.keyB(secret, infoHash));
                    syncPattern = reader.crypt(VC.clone());
                } else {
                    out.writeBytes(withPadding(keys.publicKey()));
                    syncPattern = MseKeys.req1(secret);
                }
                state = State.SYNC;
            }
            case SYNC -> {
                if (!sync(in)) return false;
                state = initiator ? State.SELECT : State.REQ2;
            }
            case REQ2 -> {
                if (!take(in, 20)) return false;
                byte[] req2 = MseKeys.xor(read(in, 20), MseKeys.req3(secret));
                byte[] found = torrentByReq2.apply(req2);
                if (found == null) throw new MseException(MseViolation.UNKNOWN_TORRENT, "req2 names no monitored torrent");
                infoHash = found.clone();
                reader = new Rc4(MseKeys.keyA(secret, infoHash));
                writer = new Rc4(MseKeys.keyB(secret, infoHash));
                state = State.VC_HEADER;
            }
            case VC_HEADER -> {
                if (!take(in, 14)) return false;
                byte[] h = reader.crypt(read(in, 14));
                if (!Arrays.equals(Arrays.copyOf(h, 8), VC)) throw new MseException(MseViolation.BAD_VC, "VC is not zero");
                provided = int32(h, 8);
                pending = padding(uint16(h, 12));
                state = State.PADC_IA_LENGTH;
            }
            case PADC_IA_LENGTH -> {
                if (!take(in, pending + 2)) return false;
                byte[] b = reader.crypt(read(in, pending + 2));
                int len = uint16(b, pending);
                if (len > limits.maxInitialPayload()) {
                    throw new MseException(MseViolation.PAYLOAD_TOO_LONG, "len(IA) " + len);
                }
                pending = len;
                state = State.IA;
            }
            case IA -> {
                if (!take(in, pending)) return false;
                initialPayload = reader.crypt(read(in, pending));
                selected = choose(provided);
                byte[] answer = new byte[8 + 4 + 2];
                putInt32(answer, 8, selected.bit);
                out.writeBytes(writer.crypt(answer));
                finish();
            }
            case SELECT -> {
                if (!take(in, 6)) return false;
                byte[] b = reader.crypt(read(in, 6));
                int select = int32(b, 0);
                selected = null;
                for (MseEncryption m : methods) if (m.bit == select) selected = m;
                if (selected == null) {
                    throw new MseException(MseViolation.NO_COMMON_METHOD, "crypto_select 0x" + Integer.toHexString(select));
                }
                pending = padding(uint16(b, 4));
                state = State.PADD;
            }
            case PADD -> {
                if (!take(in, pending)) return false;
                reader.crypt(read(in, pending));
                finish();
            }
            case DONE -> {
                return false;
            }
        }
        return true;
    }

    private void sendRequest(ByteBuf out, byte[] ia) {
        if (ia.length > 65535) throw new IllegalArgumentException("initial payload above 65535 bytes");
        writer = new Rc4(MseKeys.keyA(secret, infoHash));
        out.writeBytes(MseKeys.req1(secret));
        out.writeBytes(MseKeys.xor(MseKeys.req2(infoHash), MseKeys.req3(secret)));
        int provide = 0;
        for (MseEncryption m : methods) provide |= m.bit;
        byte[] header = new byte[8 + 4 + 2 + 2 + ia.length]; // VC, crypto_provide, len(PadC)=0, len(IA), IA
        putInt32(header, 8, provide);
        header[14] = (byte) (ia.length >>> 8);
        header[15] = (byte) ia.length;
        System.arraycopy(ia, 0, header, 16, ia.length);
        out.writeBytes(writer.crypt(header));
    }

    /** Finds {@link #syncPattern} in the input, giving up once the window is passed without it (endless padding). */
    private boolean sync(ByteBuf in) {
        int window = initiator ? limits.initiatorSyncWindow() : limits.responderSyncWindow();
        int n = syncPattern.length;
        long latestStart = window - n - consumed; // offset in `in` past which the pattern would end beyond the window
        int start = in.readerIndex();
        int readable = in.readableBytes();
        for (int off = 0; off <= latestStart && off + n <= readable; off++) {
            if (matches(in, start + off)) {
                in.skipBytes(off + n);
                consumed += off + n;
                return true;
            }
        }
        if (readable - n >= latestStart) {
            throw new MseException(MseViolation.SYNC_NOT_FOUND, (initiator ? "encrypted VC" : "req1")
                    + " not within " + window + " bytes");
        }
        return false;
    }

    private boolean matches(ByteBuf in, int at) {
        for (int k = 0; k < syncPattern.length; k++) if (in.getByte(at + k) != syncPattern[k]) return false;
        return true;
    }

    private MseEncryption choose(int provide) {
        if (methods.contains(MseEncryption.RC4) && (provide & MseEncryption.RC4.bit) != 0) return MseEncryption.RC4;
        if (methods.contains(MseEncryption.PLAINTEXT) && (provide & MseEncryption.PLAINTEXT.bit) != 0) {
            return MseEncryption.PLAINTEXT;
        }
        throw new MseException(MseViolation.NO_COMMON_METHOD, "crypto_provide 0x" + Integer.toHexString(provide));
    }

    private int padding(int len) {
        if (len > limits.maxPadding()) throw new MseException(MseViolation.PADDING_TOO_LONG, "padding " + len);
        return len;
    }

    private void finish() {
        state = State.DONE;
        if (selected == MseEncryption.PLAINTEXT) {
            reader = null;
            writer = null;
        }
    }

    private boolean take(ByteBuf in, int n) {
        return in.readableBytes() >= n;
    }

    private byte[] read(ByteBuf in, int n) {
        byte[] b = new byte[n];
        in.readBytes(b);
        consumed += n;
        return b;
    }

    private byte[] withPadding(byte[] key) {
        int pad = limits.ourMaxPadding() == 0 ? 0 : random.nextInt(limits.ourMaxPadding() + 1);
        byte[] b = Arrays.copyOf(key, key.length + pad);
        byte[] p = new byte[pad];
        random.nextBytes(p);
        System.arraycopy(p, 0, b, key.length, pad);
        return b;
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static int uint16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static void putInt32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    public boolean done() {
        return state == State.DONE;
    }

    /** The method settled on; null before {@link #done()}. */
    public MseEncryption selected() {
        return selected;
    }

    /** Decrypts the payload stream after the handshake; null when it is plaintext or before {@link #done()}. */
    public Rc4 reader() {
        return done() ? reader : null;
    }

    /** Encrypts our payload stream after the handshake; null when it is plaintext or before {@link #done()}. */
    public Rc4 writer() {
        return done() ? writer : null;
    }

    /** Responder: the peer's decrypted IA (its BitTorrent handshake, often); empty otherwise. */
    public byte[] initialPayload() {
        return initialPayload.clone();
    }

    /** SKEY: the torrent, known from the start (initiator) or from req2 (responder, null before). */
    public byte[] infoHash() {
        return infoHash == null ? null : infoHash.clone();
    }
}
