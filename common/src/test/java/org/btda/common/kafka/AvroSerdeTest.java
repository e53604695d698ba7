package org.btda.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.testing.TestKafka;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerSource;
import org.btda.events.codec.HistorySchemaStore;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    /** Every record type that has a schema history, i.e. every event btda publishes (including ones added later). */
    private static Set<Class<? extends SpecificRecord>> allEventClasses() throws ClassNotFoundException {
        Set<Class<? extends SpecificRecord>> out = new LinkedHashSet<>();
        for (HistorySchemaStore.Version v : HistorySchemaStore.get().versions()) {
            out.add(Class.forName(v.schema().getFullName()).asSubclass(SpecificRecord.class));
        }
        return out;
    }

    @Test
    void roundTripsRandomInstancesOfEveryRecordType() throws Exception {
        Random random = new Random(1234);
        Set<Class<? extends SpecificRecord>> classes = allEventClasses();
        assertThat(classes).extracting(Class::getSimpleName)
                .contains("TorrentRegistered", "PeerDiscovered", "HarvestRequest", "ContactRequest", "Observation", "ConfirmedDownload");
        for (Class<? extends SpecificRecord> type : classes) {
            roundTrip(type, random);
        }
    }

    private static <T extends SpecificRecord> void roundTrip(Class<T> type, Random random) throws Exception {
        AvroSerde<T> serde = AvroSerde.of(type);
        Schema schema = (Schema) type.getField("SCHEMA$").get(null);
        for (int i = 0; i < 50; i++) {
            GenericRecord generic = (GenericRecord) randomValue(schema, random, 0);
            ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(generic);
            byte[] written = new byte[buf.remaining()];
            buf.get(written);
            T decoded = serde.deserializer().deserialize("t", written);
            assertThat(decoded).as(type.getSimpleName()).isInstanceOf(type);
            byte[] again = serde.serializer().serialize("t", decoded);
            assertThat(again).as(type.getSimpleName() + " re-encoded").isEqualTo(written);
            assertThat(serde.deserialize("t", again)).isEqualTo(decoded);
        }
    }

    @Test
    void nullsAreTombstonesAndGarbageIsASerializationException() {
        AvroSerde<Observation> serde = AvroSerde.of(Observation.class);
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
        assertThatThrownBy(() -> serde.deserialize("btda.observations", new byte[] {1, 2, 3}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("btda.observations");
    }

    @Test
    void observationsTravelThroughARealBroker() throws Exception {
        TestKafka kafka = TestKafka.shared();
        String topic = TestKafka.uniqueTopic("serde");
        kafka.createTopic(topic, 2);
        AvroSerde<Observation> serde = AvroSerde.of(Observation.class);
        List<Observation> sent = new ArrayList<>();
        String ih = "0123456789abcdef0123456789abcdef01234567";
        try (KafkaProducer<String, Observation> producer = new KafkaProducer<>(
                KafkaClients.producer(kafka.bootstrapServers(), "serde-test"), new StringSerializer(), serde)) {
            for (int i = 0; i < 20; i++) {
                Observation o = Observation.newBuilder().setInfoHash(ih).setPeerKey(String.format("%032x", i))
                        .setIdentity(IdentityKind.LISTEN_PORT).setObservedAt(Instant.ofEpochMilli(1000L * i))
                        .setSource(PeerSource.DHT).setSuccess(true).setPieces(i).setTotalPieces(20).setPieceLength(16384L)
                        .setMessagesReceived(2).setSessionMs(10L).setLongestGapMs(5L).build();
                sent.add(o);
                producer.send(new ProducerRecord<>(topic, PeerRefs.key(ih, o.getPeerKey()), o)).get();
            }
        }
        Map<String, Observation> received = new HashMap<>();
        try (KafkaConsumer<String, Observation> consumer = new KafkaConsumer<>(
                KafkaClients.consumer(kafka.bootstrapServers(), "serde-group", "serde-test"), new StringDeserializer(), serde)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Observation> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(PeerRefs.peerKey(r.key())).isEqualTo(r.value().getPeerKey());
                    received.put(r.key(), r.value());
                }
            }
        }
        assertThat(received.values()).containsExactlyInAnyOrderElementsOf(sent);
    }

    // ---- random values for any schema -------------------------------------------------------------------------

    private static Object randomValue(Schema s, Random r, int depth) {
        switch (s.getType()) {
            case RECORD: {
                GenericRecord rec = new GenericData.Record(s);
                for (Schema.Field f : s.getFields()) {
                    rec.put(f.pos(), randomValue(f.schema(), r, depth + 1));
                }
                return rec;
            }
            case ENUM:
                return new GenericData.EnumSymbol(s, s.getEnumSymbols().get(r.nextInt(s.getEnumSymbols().size())));
            case ARRAY: {
                List<Object> list = new ArrayList<>();
                int n = depth > 4 ? 0 : r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(s.getElementType(), r, depth + 1));
                }
                return new GenericData.Array<>(s, list);
            }
            case MAP: {
                Map<String, Object> map = new HashMap<>();
                int n = depth > 4 ? 0 : r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    map.put("k" + r.nextInt(1000), randomValue(s.getValueType(), r, depth + 1));
                }
                return map;
            }
            case UNION: {
                List<Schema> branches = s.getTypes();
                return randomValue(branches.get(r.nextInt(branches.size())), r, depth + 1);
            }
            case FIXED: {
                byte[] b = new byte[s.getFixedSize()];
                r.nextBytes(b);
                return new GenericData.Fixed(s, b);
            }
            case STRING:
                return "s" + Long.toHexString(r.nextLong()) + (r.nextBoolean() ? "é" : "");
            case BYTES: {
                byte[] b = new byte[r.nextInt(24)];
                r.nextBytes(b);
                return ByteBuffer.wrap(b);
            }
            case INT:
                return r.nextInt();
            case LONG:
                // Within Instant's range for timestamp-millis fields.
                return r.nextLong() >> 20;
            case FLOAT:
                return r.nextFloat();
            case DOUBLE:
                return r.nextDouble();
            case BOOLEAN:
                return r.nextBoolean();
            case NULL:
                return null;
            default:
                throw new IllegalArgumentException("unsupported schema type " + s.getType());
        }
    }
}
