package org.btda.events.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.btda.events.FailureReason;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerDiscovered;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    private static final String IH = "0123456789abcdef0123456789abcdef01234567";

    static Observation observation(int i) {
        return Observation.newBuilder()
                .setRequestId("req-" + i).setInfoHash(IH).setPeerKey(String.format("%032x", i))
                .setIdentity(IdentityKind.LISTEN_PORT).setObservedAt(Instant.ofEpochMilli(1_700_000_000_000L + i))
                .setSource(PeerSource.TRACKER).setSuccess(i % 2 == 0)
                .setFailure(i % 2 == 0 ? null : FailureReason.CONNECT_TIMEOUT)
                .setPieces(i % 3 == 0 ? null : i).setTotalPieces(1000).setPieceLength(262_144L)
                .setPeerId(ByteBuffer.wrap(new byte[] {'-', 'T', 'R', '3', '0', '0', '0', '-', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}))
                .setExtMessages(Map.of("ut_metadata", 2, "ut_pex", 1))
                .setMessagesReceived(3).setSessionMs(1234L).setLongestGapMs(456L)
                .setEvaluator("eval-" + i)
                .build();
    }

    @Test
    void roundTripsAndUsesSingleObjectEncoding() {
        Observation o = observation(4);
        byte[] bytes = EventCodec.encode(o);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fp = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fp).isEqualTo(HistorySchemaStore.fingerprint(Observation.getClassSchema()));
        Observation back = EventCodec.decode(Observation.class, bytes);
        assertThat(back).isEqualTo(o);
        assertThat(back.getObservedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_004L));
        assertThat(back.getEvaluator()).isEqualTo("eval-4");
    }

    @Test
    void decodesObservationWrittenWithV1Schema() {
        Schema v1 = HistorySchemaStore.get().versions().stream()
                .filter(v -> v.recordName().equals("Observation") && v.version() == 1).findFirst().orElseThrow().schema();
        assertThat(v1.getField("evaluator")).isNull();
        GenericRecord old = new GenericData.Record(v1);
        old.put("request_id", "r1");
        old.put("info_hash", IH);
        old.put("peer_key", "00112233445566778899aabbccddeeff");
        old.put("identity", new GenericData.EnumSymbol(v1.getField("identity").schema(), "PEER_ID"));
        old.put("observed_at", 1_700_000_000_123L);
        old.put("source", new GenericData.EnumSymbol(v1.getField("source").schema(), "INCOMING"));
        old.put("success", true);
        old.put("pieces", 998);
        old.put("total_pieces", 1000);
        old.put("piece_length", 16_384L);
        old.put("messages_received", 7);
        old.put("session_ms", 6000L);
        old.put("longest_gap_ms", 2500L);
        old.put("network", "203.0.113.0/24");
        byte[] bytes;
        try {
            bytes = toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }

        Observation decoded = EventCodec.decode(Observation.class, bytes);
        assertThat(decoded.getEvaluator()).isNull();
        assertThat(decoded.getRequestId()).isEqualTo("r1");
        assertThat(decoded.getIdentity()).isEqualTo(IdentityKind.PEER_ID);
        assertThat(decoded.getSource()).isEqualTo(PeerSource.INCOMING);
        assertThat(decoded.getPieces()).isEqualTo(998);
        assertThat(decoded.getObservedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(decoded.getNetwork()).isEqualTo("203.0.113.0/24");
        assertThat(decoded.getFailure()).isNull();
    }

    @Test
    void unknownFingerprintIsAClearError() {
        Schema unknown = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"Observation\",\"namespace\":\"org.btda.events\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
        GenericRecord r = new GenericData.Record(unknown);
        r.put("x", 1);
        byte[] bytes;
        try {
            bytes = toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), unknown).encode(r));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> EventCodec.decode(Observation.class, bytes))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("unknown schema fingerprint")
                .hasMessageContaining(String.format("%016x", HistorySchemaStore.fingerprint(unknown)));
    }

    @Test
    void bytesOfAnotherRecordTypeAreReportedAsSuch() {
        PeerDiscovered d = PeerDiscovered.newBuilder().setInfoHash(IH).setPeerKey("00112233445566778899aabbccddeeff")
                .setEndpoint(new PeerEndpoint(ByteBuffer.wrap(new byte[] {127, 0, 0, 1}), 6881))
                .setSource(PeerSource.DHT).setDiscoveredAt(Instant.ofEpochMilli(5)).build();
        byte[] bytes = EventCodec.encode(d);
        assertThat(EventCodec.decode(PeerDiscovered.class, bytes)).isEqualTo(d);
        assertThatThrownBy(() -> EventCodec.decode(Observation.class, bytes))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("written as org.btda.events.PeerDiscovered");
    }

    @Test
    void garbageAndTruncationAreDecodingExceptions() {
        byte[] good = EventCodec.encode(observation(1));
        assertThatThrownBy(() -> EventCodec.decode(Observation.class, new byte[0]))
                .isInstanceOf(EventDecodingException.class);
        assertThatThrownBy(() -> EventCodec.decode(Observation.class, "hello world, not avro".getBytes()))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("not Avro single-object encoding");
        assertThatThrownBy(() -> EventCodec.decode(Observation.class, Arrays.copyOf(good, good.length / 2)))
                .isInstanceOf(EventDecodingException.class);
        assertThatThrownBy(() -> EventCodec.decode(Observation.class, Arrays.copyOf(good, 10)))
                .isInstanceOf(EventDecodingException.class);
        assertThatThrownBy(() -> EventCodec.decode(Observation.class, null))
                .isInstanceOf(EventDecodingException.class);
        assertThatThrownBy(() -> EventCodec.decode(Observation.class, Arrays.copyOf(good, good.length + 1)))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("trailing bytes");
        // Random bodies behind a valid header must never escape as anything but EventDecodingException (or decode).
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] fuzz = Arrays.copyOf(good, 10 + random.nextInt(good.length));
            for (int j = 10; j < fuzz.length; j++) {
                if (random.nextInt(4) == 0) {
                    fuzz[j] = (byte) random.nextInt(256);
                }
            }
            try {
                EventCodec.decode(Observation.class, fuzz);
            } catch (EventDecodingException expected) {
                // fine
            }
        }
    }

    @Test
    void hugeLengthPrefixFailsWithoutAllocating() {
        // Header of a valid Observation, then a request_id union branch 1 (string) claiming 2,000,000,000 bytes.
        byte[] header = Arrays.copyOf(EventCodec.encode(observation(1)), 10);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(header);
        out.write(2); // zigzag(1): union branch "string"
        long zigzag = 4_000_000_000L; // zigzag(2_000_000_000)
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
        out.writeBytes(new byte[32]);
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThatThrownBy(() -> EventCodec.decode(Observation.class, out.toByteArray()))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("truncated or corrupt");
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThat(after - before).isLessThan(500_000_000L);
    }

    @Test
    void incompleteRecordIsAnEncodingError() {
        Observation o = observation(2);
        o.setInfoHash(null);
        assertThatThrownBy(() -> EventCodec.encode(o)).isInstanceOf(EventEncodingException.class)
                .hasMessageContaining("Observation");
    }

    @Test
    void concurrentUseOfCachedCodecsIsSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int base = t * 10_000;
                futures.add(pool.submit(() -> {
                    for (int i = base; i < base + 2_000; i++) {
                        Observation o = observation(i);
                        assertThat(EventCodec.decode(Observation.class, EventCodec.encode(o))).isEqualTo(o);
                    }
                    return 2_000;
                }));
            }
            int total = 0;
            for (Future<Integer> f : futures) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(8_000);
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
