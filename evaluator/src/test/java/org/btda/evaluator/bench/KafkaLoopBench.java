package org.btda.evaluator.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.testing.TestKafka;
import org.btda.events.ContactRequest;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;

/**
 * Kafka-in-the-loop benchmark, broker side (a main program, not a test): starts a real broker, writes
 * {@code BOOTSTRAP <servers> <prefix>} for the script to start {@link EvaluatorProcess} against, feeds contact requests
 * for the synthetic swarm at a fixed rate, and counts the observations coming back. Bounded in time.
 *
 * <p>Usage: {@code KafkaLoopBench <peers> <measureSeconds> <warmupSeconds> <maxSessions> <requestsPerSecond>}
 */
public final class KafkaLoopBench {

    public static void main(String[] args) throws Exception {
        int peers = Integer.parseInt(args[0]);
        int measure = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int rate = args.length > 4 ? Integer.parseInt(args[4]) : 3000;
        String prefix = "bench" + UUID.randomUUID().toString().substring(0, 6) + ".";
        try (TestKafka kafka = TestKafka.start()) {
            kafka.createTopic(prefix + "contacts", 6);
            kafka.createTopic(prefix + "observations", 6);
            kafka.createTopic(prefix + "peers.discovered", 6);
            System.out.println("BOOTSTRAP " + kafka.bootstrapServers() + " " + prefix);
            System.out.flush();

            LongAdder observed = new LongAdder();
            Thread counter = new Thread(() -> countObservations(kafka.bootstrapServers(), prefix + "observations", observed,
                    warmup + measure + 25), "observation-counter");
            counter.start();

            String hash = HexFormat.of().formatHex(SwarmMix.INFO_HASH);
            AvroSerde<ContactRequest> serde = AvroSerde.of(ContactRequest.class);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(warmup + measure);
            long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
            long observedAtMeasureStart = -1;
            long sent = 0;
            long lastReport = start;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                while (System.nanoTime() < end) {
                    long allowed = (System.nanoTime() - start) * rate / 1_000_000_000L;
                    while (sent < allowed) {
                        int peer = (int) (sent % peers);
                        var ep = SwarmMix.endpoint(peer);
                        ContactRequest r = new ContactRequest("req-" + sent, hash, String.format("%032x", peer),
                                new PeerEndpoint(ByteBuffer.wrap(ep.getAddress().getAddress()), ep.getPort()), Instant.now(), 0,
                                PeerSource.TRACKER, SwarmMix.TOTAL_PIECES, 16384L);
                        producer.send(new ProducerRecord<>(prefix + "contacts", hash + ":" + r.getPeerKey(),
                                serde.serialize(prefix + "contacts", r)));
                        sent++;
                    }
                    Thread.sleep(5);
                    long now = System.nanoTime();
                    if (observedAtMeasureStart < 0 && now >= measureFrom) observedAtMeasureStart = observed.sum();
                    if (now - lastReport >= TimeUnit.SECONDS.toNanos(5)) {
                        System.out.printf("feeder t=%3ds requests=%d observations=%d%n", TimeUnit.NANOSECONDS.toSeconds(now - start),
                                sent, observed.sum());
                        lastReport = now;
                    }
                }
            }
            long inWindow = observed.sum() - observedAtMeasureStart;
            System.out.println("---- Kafka in the loop (measured window) ----");
            System.out.printf("requests fed at %d/s; observations read back: %d over %d s = %.0f observations/s%n", rate, inWindow,
                    measure, inWindow / (double) measure);
            // keep the broker up while the evaluator drains its last sessions and commits
            counter.join(TimeUnit.SECONDS.toMillis(30));
            System.out.printf("total requests %d, total observations %d%n", sent, observed.sum());
        }
    }

    static void countObservations(String bootstrap, String topic, LongAdder observed, int seconds) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-counter");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) observed.add(c.poll(Duration.ofMillis(200)).count());
        }
    }
}
