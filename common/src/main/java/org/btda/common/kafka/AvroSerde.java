package org.btda.common.kafka;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.btda.events.codec.EventCodec;
import org.btda.events.codec.EventDecodingException;
import org.btda.events.codec.EventEncodingException;

/**
 * Kafka serde over {@link EventCodec} (Avro single-object encoding, no registry). {@code null} maps to {@code null}
 * both ways (tombstones). Decoding failures surface as Kafka's {@link SerializationException} so that deserialization
 * exception handlers see them. Stateless and thread-safe; one instance serves as Serde, Serializer and Deserializer.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final Class<T> type;

    private AvroSerde(Class<T> type) {
        this.type = type;
    }

    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type);
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return EventCodec.encode(data);
        } catch (EventEncodingException e) {
            throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return EventCodec.decode(type, data);
        } catch (EventDecodingException e) {
            throw new SerializationException("topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: schemas come from the classpath.
    }

    @Override
    public void close() {
        // Stateless.
    }
}
