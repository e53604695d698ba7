package org.btda.protocol.bencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.btda.protocol.metainfo.Metainfo;
import org.btda.protocol.metainfo.MetainfoException;
import org.junit.jupiter.api.Test;

/**
 * 100,000 random and mutated inputs into the bencode and metainfo decoders. Only the declared exceptions may escape;
 * anything else (NPE, index errors, OutOfMemoryError from a trusted length, StackOverflowError) fails with the seed
 * and iteration so it reproduces. The timeout bounds hangs, not speed.
 */
class DecoderFuzzTest {
    private static final long SEED = 0x5eed_b7dal;
    private static final int ITERATIONS = 100_000;

    private static byte[] validTorrent(Random r, boolean multi) {
        int pieceLength = 16384;
        long total = 1 + r.nextInt(200_000);
        int pieces = (int) ((total + pieceLength - 1) / pieceLength);
        byte[] hashes = new byte[pieces * 20];
        r.nextBytes(hashes);
        Map<String, Object> info;
        if (multi) {
            long a = total / 2;
            info = Map.of("name", "dir", "piece length", pieceLength, "pieces", hashes, "files", List.of(
                    Map.of("length", a, "path", List.of("a", "b.bin")),
                    Map.of("length", total - a, "path", List.of("c.txt"), "path.utf-8", List.of("c.txt"))));
        } else {
            info = Map.of("name", "file.bin", "name.utf-8", "file.bin", "piece length", pieceLength, "pieces", hashes,
                    "length", total, "private", 1);
        }
        return Bencode.encode(Map.of("announce", "http://127.0.0.1:6969/announce", "announce-list",
                List.of(List.of("http://127.0.0.1:6969/announce"), List.of("udp://127.0.0.1:6969")),
                "creation date", 1_700_000_000L, "info", info));
    }

    private static byte[] mutate(Random r, byte[] in) {
        byte[] b = in.clone();
        int ops = 1 + r.nextInt(4);
        for (int k = 0; k < ops && b.length > 0; k++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(8)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b[at] = (byte) "0123456789ilde:-".charAt(r.nextInt(16));
                case 2 -> b = java.util.Arrays.copyOf(b, at); // truncate
                case 3 -> { // delete a range
                    int len = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte[] n = new byte[b.length - len];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + len, n, at, b.length - at - len);
                    b = n;
                }
                case 4 -> { // duplicate a range (duplicate keys, extra nesting)
                    int len = Math.min(b.length - at, 1 + r.nextInt(32));
                    byte[] n = new byte[b.length + len];
                    System.arraycopy(b, 0, n, 0, at + len);
                    System.arraycopy(b, at, n, at + len, b.length - at);
                    b = n;
                }
                case 5 -> b = insert(b, at, huge(r)); // hostile declared lengths / integers
                case 6 -> b = insert(b, at, "l".repeat(1 + r.nextInt(200)).getBytes(StandardCharsets.US_ASCII));
                default -> b[at] ^= (byte) (1 << r.nextInt(8));
            }
        }
        return b;
    }

    private static byte[] huge(Random r) {
        String[] h = {"2147483647:", "4294967296:", "99999999999999999999:", "i99999999999999999999e", "i-0e",
                "00:", "1000000000:", "i-9223372036854775808e", "d", "e"};
        return h[r.nextInt(h.length)].getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] n = new byte[b.length + what.length];
        System.arraycopy(b, 0, n, 0, at);
        System.arraycopy(what, 0, n, at, what.length);
        System.arraycopy(b, at, n, at + what.length, b.length - at);
        return n;
    }

    @Test
    void onlyDeclaredExceptionsNoHangBoundedMemory() {
        Random r = new Random(SEED);
        List<byte[]> corpus = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            corpus.add(validTorrent(r, i % 2 == 0));
        }
        corpus.add("d1:ai1e1:bl1:x1:yi-3eed1:ci0eee".getBytes(StandardCharsets.US_ASCII));
        corpus.add("d8:msg_typei1e5:piecei0e10:total_sizei5eeHELLO".getBytes(StandardCharsets.US_ASCII));
        int[] outcomes = new int[3]; // ok, bencode error, metainfo error
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] input;
                if (i % 10 == 0) {
                    input = new byte[r.nextInt(64)];
                    r.nextBytes(input);
                } else {
                    input = mutate(r, corpus.get(r.nextInt(corpus.size())));
                }
                try {
                    Object v = Bencode.decode(input);
                    // whatever decodes must re-encode and decode to an equal value
                    if (!Bencode.decode(Bencode.encode(v)).equals(v)) {
                        fail("re-encoding changed the value, iteration " + i + " seed " + SEED);
                    }
                    outcomes[0]++;
                } catch (BencodeException e) {
                    if (!e.getMessage().contains("at byte offset ")) {
                        fail("error without offset, iteration " + i + ": " + e.getMessage());
                    }
                    outcomes[1]++;
                } catch (Throwable t) {
                    fail("Bencode.decode iteration " + i + " seed " + SEED + ": " + t, t);
                }
                try {
                    Bencode.decodePrefix(input, input.length == 0 ? 0 : r.nextInt(input.length));
                } catch (BencodeException expected) {
                    // declared
                } catch (Throwable t) {
                    fail("Bencode.decodePrefix iteration " + i + " seed " + SEED + ": " + t, t);
                }
                try {
                    Metainfo m = Metainfo.parse(input);
                    if (m.pieceCount() <= 0 || m.totalSize() <= 0) {
                        fail("accepted a torrent without pieces, iteration " + i);
                    }
                } catch (MetainfoException e) {
                    outcomes[2]++;
                } catch (Throwable t) {
                    fail("Metainfo.parse iteration " + i + " seed " + SEED + ": " + t, t);
                }
            }
        });
        // the mutations must exercise both paths, or the fuzzer is not testing anything
        assertThat(outcomes[0]).isGreaterThan(1000);
        assertThat(outcomes[1]).isGreaterThan(10_000);
        assertThat(outcomes[2]).isGreaterThan(10_000);
    }

    @Test
    void declared2GbStringInTorrentIsRejectedWithoutAllocating() {
        byte[] t = "d4:infod6:pieces2147483647:xxxxee".getBytes(StandardCharsets.US_ASCII);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 10_000; i++) {
                try {
                    Metainfo.parse(t);
                    fail("accepted");
                } catch (MetainfoException e) {
                    assertThat(e.getCause()).isInstanceOf(BencodeException.class);
                    assertThat(e.getMessage()).contains("string length exceeds max").contains("offset 16");
                }
            }
        });
    }
}
