package org.btda.events.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (marker {@code C3 01}, 8-byte schema fingerprint, binary body) for every btda event.
 *
 * <p>No schema registry: the reader resolves the writer's fingerprint against the current generated class and every
 * version kept under {@code schemas/history/} ({@link HistorySchemaStore}). Encoders and decoders are cached per class;
 * Avro's message encoders/decoders keep their mutable buffers in thread locals, so the cached instances are shared.
 */
public final class EventCodec {
    /** Largest value accepted by {@link #decode}; events are small, a torrent's tracker list is the largest. */
    public static final int MAX_EVENT_BYTES = 8 * 1024 * 1024;
    private static final int HEADER_BYTES = 10;
    private static final ConcurrentMap<Class<?>, BinaryMessageEncoder<?>> ENCODERS = new ConcurrentHashMap<>();
    private static final ConcurrentMap<Class<?>, Reader<?>> READERS = new ConcurrentHashMap<>();

    /** What decoding one class needs, computed once: its schema, that schema's fingerprint and the decoder. */
    private record Reader<T>(Schema schema, long fingerprint, BinaryMessageDecoder<T> decoder) {}

    private EventCodec() {}

    /** Encodes a generated record. Throws {@link EventEncodingException} if the record is invalid (e.g. missing field). */
    public static <T extends SpecificRecord> byte[] encode(T record) {
        if (record == null) {
            throw new NullPointerException("record");
        }
        @SuppressWarnings("unchecked")
        BinaryMessageEncoder<T> encoder = (BinaryMessageEncoder<T>) ENCODERS.computeIfAbsent(record.getClass(), EventCodec::newEncoder);
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] out = new byte[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (IOException | RuntimeException e) {
            throw new EventEncodingException("cannot encode " + record.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes bytes written with any known version of {@code type}'s schema.
     *
     * @throws EventDecodingException on an unknown fingerprint, a bad header, truncated or garbage bytes, or bytes of
     *     another record type
     */
    public static <T extends SpecificRecord> T decode(Class<T> type, byte[] bytes) {
        if (bytes == null) {
            throw new EventDecodingException("cannot decode " + type.getSimpleName() + ": null bytes");
        }
        if (bytes.length > MAX_EVENT_BYTES) {
            throw new EventDecodingException("cannot decode " + type.getSimpleName() + ": " + bytes.length
                    + " bytes exceed the limit of " + MAX_EVENT_BYTES);
        }
        if (bytes.length < HEADER_BYTES || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new EventDecodingException("cannot decode " + type.getSimpleName()
                    + ": not Avro single-object encoding (no C3 01 header)");
        }
        @SuppressWarnings("unchecked")
        Reader<T> r = (Reader<T>) READERS.computeIfAbsent(type, EventCodec::newReader);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = fingerprint == r.fingerprint() ? r.schema() : HistorySchemaStore.get().findByFingerprint(fingerprint);
        if (writer == null || !writer.getFullName().equals(r.schema().getFullName())) {
            throw new EventDecodingException("cannot decode " + type.getSimpleName() + ": " + describeWriter(bytes));
        }
        validateBody(type, writer, bytes);
        BinaryMessageDecoder<T> decoder = r.decoder();
        try {
            T value = decoder.decode(bytes);
            if (value == null) {
                throw new EventDecodingException("cannot decode " + type.getSimpleName() + ": empty value");
            }
            return value;
        } catch (MissingSchemaException e) {
            throw new EventDecodingException("cannot decode " + type.getSimpleName() + ": " + describeWriter(bytes), e);
        } catch (BadHeaderException e) {
            throw new EventDecodingException("cannot decode " + type.getSimpleName()
                    + ": not Avro single-object encoding (" + e.getMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof EventDecodingException) {
                throw (EventDecodingException) e;
            }
            throw new EventDecodingException("cannot decode " + type.getSimpleName() + " from " + bytes.length
                    + " bytes: " + e, e);
        }
    }

    /**
     * Walks the body with the writer schema without materialising anything, so that a length prefix larger than the
     * remaining bytes (a few garbage bytes claiming a 2 GB string) fails here instead of allocating. Avro's reader
     * allocates first and checks later. Also rejects trailing bytes.
     */
    private static void validateBody(Class<?> type, Schema writer, byte[] bytes) {
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null);
        try {
            GenericDatumReader.skip(writer, in);
            if (!in.isEnd()) {
                throw new EventDecodingException("cannot decode " + type.getSimpleName() + ": trailing bytes after the record");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof EventDecodingException) {
                throw (EventDecodingException) e;
            }
            throw new EventDecodingException("cannot decode " + type.getSimpleName() + " from " + bytes.length
                    + " bytes: truncated or corrupt body (" + e + ")", e);
        }
    }

    /** The current (reader) schema of a generated class. */
    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }

    private static BinaryMessageEncoder<?> newEncoder(Class<?> type) {
        SpecificData model = SpecificData.getForClass(type);
        return new BinaryMessageEncoder<>(model, model.getSchema(type));
    }

    private static Reader<?> newReader(Class<?> type) {
        SpecificData model = SpecificData.getForClass(type);
        Schema reader = model.getSchema(type);
        return new Reader<>(reader, HistorySchemaStore.fingerprint(reader), newDecoder(model, reader));
    }

    private static BinaryMessageDecoder<?> newDecoder(SpecificData model, Schema reader) {
        HistorySchemaStore history = HistorySchemaStore.get();
        // The reader schema itself is registered by the constructor; older writers come from the history store.
        String name = reader.getFullName();
        // Only versions of the same record resolve; a fingerprint of another record type is reported as such.
        BinaryMessageDecoder<?> decoder = new BinaryMessageDecoder<>(model, reader, fingerprint -> {
            Schema writer = history.findByFingerprint(fingerprint);
            return writer != null && writer.getFullName().equals(name) ? writer : null;
        });
        for (HistorySchemaStore.Version v : history.versions()) {
            if (v.schema().getFullName().equals(reader.getFullName())) {
                decoder.addSchema(v.schema());
            }
        }
        return decoder;
    }

    private static String describeWriter(byte[] bytes) {
        if (bytes.length < 10) {
            return "truncated header";
        }
        long fp = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema writer = HistorySchemaStore.get().findByFingerprint(fp);
        if (writer != null) {
            return String.format("bytes were written as %s (fingerprint %016x)", writer.getFullName(), fp);
        }
        return String.format("unknown schema fingerprint %016x (not in schemas/history)", fp);
    }
}
