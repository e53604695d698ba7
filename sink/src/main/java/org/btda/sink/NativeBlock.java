package org.btda.sink;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a batch of RowBinary rows into one block of ClickHouse's columnar Native format: per column its name, its
 * type and then every row's value of it (Nullable: the null map, then the values; Array and Map: cumulative UInt64
 * offsets, then the items; Map items as a key column and a value column). The server reads such a block column by
 * column, and converts a String column into LowCardinality(String) in one go; RowBinary makes it insert into
 * LowCardinality one value at a time, which cost the server several times the CPU of the whole Native insert.
 *
 * <p>The types are the columns' types with LowCardinality removed (the server converts). Supported: String,
 * FixedString(N), Bool, UInt8/16/32/64, Int32, Int64, Float64, DateTime64(3, ...), Nullable(T), Array(T),
 * Map(String, T), Tuple(T1, ..., Tn) (unnamed). Thread-safe once built (each {@link #encode} call has its own buffers).
 */
final class NativeBlock {
    private final List<String> names;
    private final List<String> types;
    private final List<Type> parsed = new ArrayList<>();

    /**
     * @param names column names, in row order
     * @param types each column's type as RowBinary writes it (LowCardinality removed)
     */
    NativeBlock(List<String> names, List<String> types) {
        if (names.size() != types.size()) throw new IllegalArgumentException("names and types differ in length");
        this.names = List.copyOf(names);
        this.types = List.copyOf(types);
        for (String t : types) parsed.add(Type.parse(t));
    }

    /** One Native block holding the rows (each the RowBinary of every column, in order). */
    byte[] encode(List<byte[]> rows) {
        List<Builder> columns = new ArrayList<>(parsed.size());
        for (Type t : parsed) columns.add(t.builder(rows.size()));
        Cursor c = new Cursor();
        for (byte[] row : rows) {
            c.b = row;
            c.p = 0;
            for (Builder col : columns) col.append(c);
            if (c.p != row.length) throw new IllegalStateException("row of " + row.length + " bytes, columns read " + c.p);
        }
        int size = 32;
        for (int i = 0; i < columns.size(); i++) size += names.get(i).length() * 3 + types.get(i).length() + 8 + columns.get(i).size();
        RowBinary out = new RowBinary(size);
        out.varint(columns.size()).varint(rows.size());
        for (int i = 0; i < columns.size(); i++) {
            out.string(names.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.string(types.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            columns.get(i).writeTo(out);
        }
        return out.toByteArray();
    }

    /** A position in one RowBinary row. */
    private static final class Cursor {
        byte[] b;
        int p;

        long varint() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b[p++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) return v;
            }
        }
    }

    /** The Native data of one column (or of the items of an Array or Map), built row by row. */
    private interface Builder {
        /** Moves one value from the row into this column. */
        void append(Cursor c);

        /** A default value (under a NULL of a Nullable column). */
        void appendDefault();

        void writeTo(RowBinary out);

        /** Bytes {@link #writeTo} writes. */
        int size();
    }

    /** A parsed column type, which makes builders. */
    private interface Type {
        /** A builder sized for {@code rows} rows. */
        Builder builder(int rows);

        static Type parse(String t) {
            t = t.trim();
            if (t.startsWith("Nullable(")) {
                Type inner = parse(inside(t, "Nullable("));
                return rows -> new NullableBuilder(inner.builder(rows), rows);
            }
            if (t.startsWith("Array(")) {
                Type inner = parse(inside(t, "Array("));
                return rows -> new ArrayBuilder(List.of(inner.builder(rows)), rows);
            }
            if (t.startsWith("Tuple(")) {
                // Native: each element's column in turn, no offsets
                List<Type> elements = new ArrayList<>();
                String rest = inside(t, "Tuple(");
                while (true) {
                    int comma = topLevelCommaOrEnd(rest);
                    elements.add(parse(rest.substring(0, comma)));
                    if (comma == rest.length()) break;
                    rest = rest.substring(comma + 1);
                }
                return rows -> new TupleBuilder(elements.stream().map(e -> e.builder(rows)).toList());
            }
            if (t.startsWith("Map(")) {
                String kv = inside(t, "Map(");
                int comma = topLevelComma(kv);
                Type k = parse(kv.substring(0, comma));
                Type v = parse(kv.substring(comma + 1));
                return rows -> new ArrayBuilder(List.of(k.builder(rows), v.builder(rows)), rows);
            }
            if (t.equals("String")) return StringColumn::new;
            if (t.startsWith("FixedString(")) {
                int n = Integer.parseInt(inside(t, "FixedString(").trim());
                return rows -> new FixedBuilder(n, rows);
            }
            int width = switch (t) {
                case "Bool", "UInt8", "Int8" -> 1;
                case "UInt16", "Int16" -> 2;
                case "UInt32", "Int32", "Float32" -> 4;
                case "UInt64", "Int64", "Float64" -> 8;
                default -> t.startsWith("DateTime64(") ? 8 : -1;
            };
            if (width < 0) throw new IllegalArgumentException("no Native form for type " + t);
            return rows -> new FixedBuilder(width, rows);
        }

        private static String inside(String t, String prefix) {
            if (!t.endsWith(")")) throw new IllegalArgumentException("bad type " + t);
            return t.substring(prefix.length(), t.length() - 1);
        }

        private static int topLevelComma(String s) {
            int depth = 0;
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '(') depth++;
                else if (ch == ')') depth--;
                else if (ch == ',' && depth == 0) return i;
            }
            throw new IllegalArgumentException("no comma in " + s);
        }

        private static int topLevelCommaOrEnd(String s) {
            int depth = 0;
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '(') depth++;
                else if (ch == ')') depth--;
                else if (ch == ',' && depth == 0) return i;
            }
            return s.length();
        }
    }

    /** A column whose Native form is its RowBinary values one after another: it only collects bytes. */
    private abstract static class BytesBuilder implements Builder {
        final RowBinary data;

        BytesBuilder(int capacity) {
            this.data = new RowBinary(capacity);
        }

        @Override
        public void writeTo(RowBinary out) {
            out.raw(data.buffer(), 0, data.size());
        }

        @Override
        public int size() {
            return data.size();
        }
    }

    /** Fixed-width values (numbers, Bool, DateTime64, FixedString): the same bytes in both formats. */
    private static final class FixedBuilder extends BytesBuilder {
        private final int width;

        FixedBuilder(int width, int rows) {
            super(width * rows);
            this.width = width;
        }

        @Override
        public void append(Cursor c) {
            data.raw(c.b, c.p, width);
            c.p += width;
        }

        @Override
        public void appendDefault() {
            data.zeros(width);
        }
    }

    /** String: LEB128 length + bytes in both formats. */
    private static final class StringColumn extends BytesBuilder {
        StringColumn(int rows) {
            super(16 * rows);
        }

        @Override
        public void append(Cursor c) {
            int start = c.p;
            long len = c.varint();
            c.p += (int) len;
            data.raw(c.b, start, c.p - start);
        }

        @Override
        public void appendDefault() {
            data.u8(0);
        }
    }

    /** Nullable(T): RowBinary has a flag before each value; Native has the null map, then a value for every row. */
    private static final class NullableBuilder implements Builder {
        private final Builder inner;
        private final RowBinary nulls;

        NullableBuilder(Builder inner, int rows) {
            this.inner = inner;
            this.nulls = new RowBinary(rows);
        }

        @Override
        public void append(Cursor c) {
            boolean isNull = c.b[c.p++] != 0;
            nulls.u8(isNull ? 1 : 0);
            if (isNull) inner.appendDefault(); else inner.append(c);
        }

        @Override
        public void appendDefault() {
            throw new IllegalStateException("Nullable(Nullable(...))");
        }

        @Override
        public void writeTo(RowBinary out) {
            out.raw(nulls.buffer(), 0, nulls.size());
            inner.writeTo(out);
        }

        @Override
        public int size() {
            return nulls.size() + inner.size();
        }
    }

    /** Tuple(T1, ..., Tn): in RowBinary and in Native the elements one after another (as columns in Native). */
    private static final class TupleBuilder implements Builder {
        private final List<Builder> elements;

        TupleBuilder(List<Builder> elements) {
            this.elements = elements;
        }

        @Override
        public void append(Cursor c) {
            for (Builder e : elements) e.append(c);
        }

        @Override
        public void appendDefault() {
            for (Builder e : elements) e.appendDefault();
        }

        @Override
        public void writeTo(RowBinary out) {
            for (Builder e : elements) e.writeTo(out);
        }

        @Override
        public int size() {
            int n = 0;
            for (Builder e : elements) n += e.size();
            return n;
        }
    }

    /**
     * Array(T) (one item column) and Map(K, V) (a key and a value column): RowBinary has a count and the items; Native
     * has cumulative UInt64 offsets, then each item column.
     */
    private static final class ArrayBuilder implements Builder {
        private final List<Builder> items;
        private final RowBinary offsets;
        private long total;

        ArrayBuilder(List<Builder> items, int rows) {
            this.items = items;
            this.offsets = new RowBinary(8 * rows);
        }

        @Override
        public void append(Cursor c) {
            long n = c.varint();
            for (long i = 0; i < n; i++) {
                for (Builder item : items) item.append(c);
            }
            total += n;
            offsets.u64(total);
        }

        @Override
        public void appendDefault() {
            offsets.u64(total);
        }

        @Override
        public void writeTo(RowBinary out) {
            out.raw(offsets.buffer(), 0, offsets.size());
            for (Builder item : items) item.writeTo(out);
        }

        @Override
        public int size() {
            int n = offsets.size();
            for (Builder item : items) n += item.size();
            return n;
        }
    }
}
