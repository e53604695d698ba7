package org.btda.sink;

import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * One Avro binary record body read in place: a single bounds-checked walk over the bytes with the writer schema that
 * keeps where each top-level field's value is (and its scalar value), so that column writers copy strings and numbers
 * straight into RowBinary without building a record, a String or an Instant.
 *
 * <p>The walk gives the guarantees of {@code EventCodec}'s body validation: every length, block count, enum and
 * union index is checked against the remaining bytes or the schema before it is used, nothing is allocated in
 * proportion to a length the bytes claim (a few garbage bytes claiming a 2 GB string are refused, not allocated),
 * nesting is bounded, and bytes after the record are refused. Errors are {@link IllegalArgumentException}s.
 *
 * <p>Strings are copied as the bytes Avro holds (UTF-8 from every Java writer); nothing is re-encoded. Not
 * thread-safe: one instance per sink table, used on the sink thread.
 */
final class AvroView {
    private static final int MAX_DEPTH = 32;
    /** Items that take no bytes (null, records of nulls) cannot be bounded by the input size: bounded by this. */
    private static final int MAX_EMPTY_ITEMS = org.btda.events.codec.EventCodec.MAX_EVENT_BYTES;

    // what a top-level field's value (or each branch of its union) is, precomputed: the walk reads no Schema
    private static final byte K_NULL = 0, K_BOOLEAN = 1, K_INT = 2, K_LONG = 3, K_FLOAT = 4, K_DOUBLE = 5, K_BYTES = 6,
            K_FIXED = 7, K_ENUM = 8, K_ARRAY = 9, K_MAP = 10, K_RECORD = 11;

    private final Schema schema;
    private final int n;
    private final Schema[] fieldSchema;
    private final boolean[] isUnion;
    private final byte[][] kinds;                   // per field, per branch (one for a field that is no union)
    private final int[][] sizes;                    // per field, per branch: fixed size or number of enum symbols
    private final Schema[][] branches;              // per field, per branch
    private final byte[][][] fieldSymbols;          // symbols (UTF-8) of an enum field's enum branch, else null
    private final Map<Schema, byte[][]> symbols = new IdentityHashMap<>();

    private byte[] b;
    private int p;
    private int limit;
    private final int[] pos;
    private final int[] len;
    private final boolean[] isNull;
    private final long[] num;
    private final double[] dbl;

    AvroView(Schema record) {
        if (record.getType() != Schema.Type.RECORD) throw new IllegalArgumentException("not a record schema: " + record);
        schema = record;
        List<Schema.Field> fields = record.getFields();
        n = fields.size();
        fieldSchema = new Schema[n];
        fieldSymbols = new byte[n][][];
        isUnion = new boolean[n];
        kinds = new byte[n][];
        sizes = new int[n][];
        branches = new Schema[n][];
        pos = new int[n];
        len = new int[n];
        isNull = new boolean[n];
        num = new long[n];
        dbl = new double[n];
        collectSymbols(record, 0);
        for (int i = 0; i < n; i++) {
            fieldSchema[i] = fields.get(i).schema();
            Schema s = fieldSchema[i];
            if (s.getType() == Schema.Type.UNION) {
                for (Schema t : s.getTypes()) if (t.getType() == Schema.Type.ENUM) fieldSymbols[i] = symbols.get(t);
            } else if (s.getType() == Schema.Type.ENUM) {
                fieldSymbols[i] = symbols.get(s);
            }
            isUnion[i] = s.getType() == Schema.Type.UNION;
            branches[i] = isUnion[i] ? s.getTypes().toArray(Schema[]::new) : new Schema[] {s};
            kinds[i] = new byte[branches[i].length];
            sizes[i] = new int[branches[i].length];
            for (int k = 0; k < branches[i].length; k++) {
                Schema t = branches[i][k];
                kinds[i][k] = switch (t.getType()) {
                    case NULL -> K_NULL;
                    case BOOLEAN -> K_BOOLEAN;
                    case INT -> K_INT;
                    case LONG -> K_LONG;
                    case FLOAT -> K_FLOAT;
                    case DOUBLE -> K_DOUBLE;
                    case STRING, BYTES -> K_BYTES;
                    case FIXED -> K_FIXED;
                    case ENUM -> K_ENUM;
                    case ARRAY -> K_ARRAY;
                    case MAP -> K_MAP;
                    case RECORD, UNION -> K_RECORD;       // a union directly in a union is not valid Avro; skip() refuses nothing else
                };
                sizes[i][k] = t.getType() == Schema.Type.FIXED ? t.getFixedSize()
                        : t.getType() == Schema.Type.ENUM ? t.getEnumSymbols().size() : 0;
            }
        }
    }

    private void collectSymbols(Schema s, int depth) {
        if (depth > MAX_DEPTH || symbols.containsKey(s)) return;
        switch (s.getType()) {
            case ENUM -> {
                byte[][] sym = new byte[s.getEnumSymbols().size()][];
                for (int i = 0; i < sym.length; i++) sym[i] = s.getEnumSymbols().get(i).getBytes(StandardCharsets.UTF_8);
                symbols.put(s, sym);
            }
            case RECORD -> {
                symbols.put(s, null);        // visited (recursive schemas)
                for (Schema.Field f : s.getFields()) collectSymbols(f.schema(), depth + 1);
            }
            case ARRAY -> collectSymbols(s.getElementType(), depth + 1);
            case MAP -> collectSymbols(s.getValueType(), depth + 1);
            case UNION -> {
                for (Schema t : s.getTypes()) collectSymbols(t, depth + 1);
            }
            default -> { }
        }
    }

    Schema schema() {
        return schema;
    }

    /** The index of a top-level field. */
    int field(String name) {
        Schema.Field f = schema.getField(name);
        if (f == null) throw new IllegalArgumentException(schema.getName() + " has no field " + name);
        return f.pos();
    }

    /** The field's schema as declared (a union for optional fields). */
    Schema fieldSchema(int f) {
        return fieldSchema[f];
    }

    // ---- the walk ----

    /** Walks {@code bytes[from, to)} as one record of this schema; afterwards the accessors describe it. */
    void parse(byte[] bytes, int from, int to) {
        if (from < 0 || to > bytes.length || from > to) throw new IllegalArgumentException("bad range");
        b = bytes;
        p = from;
        limit = to;
        for (int i = 0; i < n; i++) {
            int br = isUnion[i] ? readIndex(kinds[i].length, "union") : 0;
            byte k = kinds[i][br];
            isNull[i] = k == K_NULL;
            pos[i] = p;
            switch (k) {
                case K_NULL -> { }
                case K_BOOLEAN -> num[i] = readBoolean() ? 1 : 0;
                case K_INT -> num[i] = readInt();
                case K_LONG -> num[i] = readLong();
                case K_FLOAT -> dbl[i] = Float.intBitsToFloat(readFixedInt());
                case K_DOUBLE -> dbl[i] = Double.longBitsToDouble(readFixedLong());
                case K_BYTES -> {
                    int l = readLength();
                    len[i] = l;
                    pos[i] = p;
                    p += l;
                }
                case K_FIXED -> {
                    len[i] = sizes[i][br];
                    need(len[i]);
                    p += len[i];
                }
                case K_ENUM -> num[i] = readIndex(sizes[i][br], "enum");
                case K_ARRAY -> num[i] = skipBlocks(branches[i][br].getElementType(), false, 1);
                case K_MAP -> num[i] = skipBlocks(branches[i][br].getValueType(), true, 1);
                default -> skip(branches[i][br], 1);
            }
        }
        if (p != limit) throw new IllegalArgumentException((limit - p) + " trailing bytes after the record");
    }

    private void skip(Schema s, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("nesting deeper than " + MAX_DEPTH);
        switch (s.getType()) {
            case NULL -> { }
            case BOOLEAN -> readBoolean();
            case INT -> readInt();
            case LONG -> readLong();
            case FLOAT -> { need(4); p += 4; }
            case DOUBLE -> { need(8); p += 8; }
            case STRING, BYTES -> {
                int l = readLength();
                p += l;
            }
            case FIXED -> { need(s.getFixedSize()); p += s.getFixedSize(); }
            case ENUM -> readIndex(s.getEnumSymbols().size(), "enum");
            case ARRAY -> skipBlocks(s.getElementType(), false, depth + 1);
            case MAP -> skipBlocks(s.getValueType(), true, depth + 1);
            case RECORD -> {
                for (Schema.Field f : s.getFields()) skip(f.schema(), depth + 1);
            }
            case UNION -> skip(s.getTypes().get(readIndex(s.getTypes().size(), "union")), depth + 1);
        }
    }

    /** Skips an array's or map's blocks; returns the item count. A count is refused when its items cannot fit. */
    private long skipBlocks(Schema item, boolean map, int depth) {
        long total = 0;
        boolean itemTakesBytes = map || minSize(item, 0) > 0;
        while (true) {
            long c = readLong();
            if (c == 0) return total;
            if (c < 0) {
                c = -c;
                if (readLong() < 0) throw new IllegalArgumentException("negative block size");
            }
            if (c < 0 || c > (itemTakesBytes ? limit - p : MAX_EMPTY_ITEMS)) {
                throw new IllegalArgumentException("block of " + c + " items exceeds the remaining " + (limit - p) + " bytes");
            }
            for (long k = 0; k < c; k++) {
                if (map) {
                    int l = readLength();     // not "p += readLength()": that would add to p as it was before the read
                    p += l;
                }
                skip(item, depth);
            }
            total += c;
        }
    }

    /** Fewest bytes a value of the schema takes (0 only for null and records of nulls). */
    private static int minSize(Schema s, int depth) {
        if (depth > MAX_DEPTH) return 0;
        return switch (s.getType()) {
            case NULL -> 0;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> s.getFixedSize();
            case RECORD -> {
                int sum = 0;
                for (Schema.Field f : s.getFields()) sum += minSize(f.schema(), depth + 1);
                yield sum;
            }
            default -> 1;
        };
    }

    private void need(int k) {
        if (k > limit - p) throw new IllegalArgumentException("truncated: " + k + " bytes needed, " + (limit - p) + " left");
    }

    private boolean readBoolean() {
        need(1);
        return b[p++] == 1;              // as Avro's BinaryDecoder reads it
    }

    private long readLong() {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 63) throw new IllegalArgumentException("malformed varint");
            need(1);
            int x = b[p++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) break;
        }
        return (v >>> 1) ^ -(v & 1);
    }

    private int readInt() {
        long v = readLong();
        if (v != (int) v) throw new IllegalArgumentException("int out of range: " + v);
        return (int) v;
    }

    /** A string or bytes length: never more than what is left. */
    private int readLength() {
        long l = readLong();
        if (l < 0 || l > limit - p) throw new IllegalArgumentException("length " + l + " exceeds the remaining " + (limit - p) + " bytes");
        return (int) l;
    }

    private int readIndex(int size, String what) {
        long i = readLong();
        if (i < 0 || i >= size) throw new IllegalArgumentException(what + " index " + i + " out of range 0.." + (size - 1));
        return (int) i;
    }

    private int readFixedInt() {
        need(4);
        int v = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
        p += 4;
        return v;
    }

    private long readFixedLong() {
        long lo = readFixedInt() & 0xFFFFFFFFL;
        long hi = readFixedInt() & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    // ---- the parsed record ----

    /** The bytes of the record last parsed. */
    byte[] bytes() {
        return b;
    }

    boolean isNull(int f) {
        return isNull[f];
    }

    /** A boolean (0/1), int, long or enum index field. */
    long longValue(int f) {
        return num[f];
    }

    double doubleValue(int f) {
        return dbl[f];
    }

    /** Where a string, bytes or fixed value starts in {@link #bytes()}. */
    int pos(int f) {
        return pos[f];
    }

    /** Length of a string, bytes or fixed value. */
    int len(int f) {
        return len[f];
    }

    /** The symbol of an enum field, UTF-8. */
    byte[] enumSymbol(int f) {
        return fieldSymbols[f][(int) num[f]];
    }

    /**
     * Writes a (non-null) field's value in the RowBinary type {@link #rowBinaryType} names: strings and bytes as
     * String, enums as their symbol, int as Int32, long as Int64, arrays as Array, maps as Map(String, ...).
     */
    void transcode(int f, RowBinary out) {
        Schema s = fieldSchema[f];
        if (s.getType() == Schema.Type.UNION) s = nonNull(s);
        int saved = p;
        p = pos[f];
        transcode(s, out);
        p = saved;
    }

    private void transcode(Schema s, RowBinary out) {
        switch (s.getType()) {
            case STRING, BYTES -> {
                int l = readLength();
                out.string(b, p, l);
                p += l;
            }
            case ENUM -> out.string(symbols.get(s)[readIndex(s.getEnumSymbols().size(), "enum")]);
            case INT -> out.u32(readInt());
            case LONG -> out.u64(readLong());
            case BOOLEAN -> out.u8(readBoolean() ? 1 : 0);
            case DOUBLE -> out.u64(readFixedLong());
            case FLOAT -> out.u32(readFixedInt());
            case FIXED -> {
                need(s.getFixedSize());
                out.raw(b, p, s.getFixedSize());
                p += s.getFixedSize();
            }
            case RECORD -> {              // a Tuple: its fields one after another
                for (Schema.Field field : s.getFields()) transcode(field.schema(), out);
            }
            case ARRAY, MAP -> {
                boolean map = s.getType() == Schema.Type.MAP;
                Schema item = map ? s.getValueType() : s.getElementType();
                int at = out.size();
                long total = 0;
                while (true) {
                    long c = readLong();
                    if (c == 0) break;
                    if (c < 0) {
                        c = -c;
                        readLong();
                    }
                    for (long k = 0; k < c; k++) {
                        if (map) {
                            int l = readLength();
                            out.string(b, p, l);
                            p += l;
                        }
                        transcode(item, out);
                    }
                    total += c;
                }
                out.insertVarint(at, total);
            }
            default -> throw new IllegalArgumentException("no RowBinary form for " + s.getType());
        }
    }

    /** The RowBinary type {@link #transcode} writes for a schema (the non-null branch of an optional field). */
    static String rowBinaryType(Schema s) {
        return switch (s.getType()) {
            case UNION -> rowBinaryType(nonNull(s));
            case STRING, BYTES, ENUM -> "String";
            case INT -> "Int32";
            case LONG -> "Int64";
            case BOOLEAN -> "Bool";
            case DOUBLE -> "Float64";
            case FLOAT -> "Float32";
            case FIXED -> "FixedString(" + s.getFixedSize() + ")";
            case ARRAY -> "Array(" + rowBinaryType(s.getElementType()) + ")";
            case MAP -> "Map(String, " + rowBinaryType(s.getValueType()) + ")";
            case RECORD -> s.getFields().stream().map(f -> rowBinaryType(f.schema()))
                    .collect(java.util.stream.Collectors.joining(", ", "Tuple(", ")"));
            default -> throw new IllegalArgumentException("no RowBinary form for " + s);
        };
    }

    /** The other branch of a {@code ["null", T]} union. */
    static Schema nonNull(Schema union) {
        List<Schema> t = union.getTypes();
        if (t.size() != 2 || (t.get(0).getType() != Schema.Type.NULL && t.get(1).getType() != Schema.Type.NULL)) {
            throw new IllegalArgumentException("not an optional type: " + union);
        }
        return t.get(0).getType() == Schema.Type.NULL ? t.get(1) : t.get(0);
    }
}
