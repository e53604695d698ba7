package org.btda.protocol.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Strict, bounded bencode (BEP 3).
 *
 * <p>Decoded values are {@link Long}, {@link BString}, unmodifiable {@code List<Object>} and {@link BDict}.
 * Strictness: no leading zeros in integers or string lengths, no {@code -0}, no empty integers, 64-bit overflow is an
 * error, dict keys must be byte strings and unique. Dict key <em>order</em> is not enforced because real torrents
 * sometimes violate it; the info hash stays correct because it is taken over the raw bytes ({@link BDict#rawSpan}).
 *
 * <p>All limits in {@link BencodeLimits} are checked before allocating, so hostile input cannot exhaust memory.
 */
public final class Bencode {
    /** Encoding nests at most this deep; guards against cyclic structures. */
    private static final int MAX_ENCODE_DEPTH = 512;

    private Bencode() {
    }

    /** A value decoded from a prefix of the input plus the offset just past it. */
    public record Decoded(Object value, int end) {
    }

    public static Object decode(byte[] data) {
        return decode(data, BencodeLimits.DEFAULT);
    }

    /** Decodes exactly one value spanning all of {@code data}; trailing bytes are an error. */
    public static Object decode(byte[] data, BencodeLimits limits) {
        if (data.length > limits.maxTotalSize()) {
            throw new BencodeException("input of " + data.length + " bytes exceeds max total size "
                    + limits.maxTotalSize(), limits.maxTotalSize());
        }
        Decoded d = decodePrefix(data, 0, limits);
        if (d.end() != data.length) {
            throw new BencodeException("trailing data after value (" + (data.length - d.end()) + " bytes)", d.end());
        }
        return d.value();
    }

    public static Decoded decodePrefix(byte[] data, int offset) {
        return decodePrefix(data, offset, BencodeLimits.DEFAULT);
    }

    /**
     * Decodes one value starting at {@code offset} and returns it with the end offset; bytes after it are left alone
     * (ut_metadata piece messages carry raw data after the dict).
     */
    public static Decoded decodePrefix(byte[] data, int offset, BencodeLimits limits) {
        if (offset < 0 || offset > data.length) {
            throw new BencodeException("offset outside input", offset);
        }
        Decoder d = new Decoder(data, offset, limits);
        Object v = d.value(1);
        return new Decoded(v, d.pos);
    }

    /** Canonical encoding (dict keys sorted by bytes). Unsupported types throw {@link IllegalArgumentException}. */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, normalize(value, 0));
        return out.toByteArray();
    }

    /** Converts accepted Java types to decoded form (Long, BString, List, BDict). */
    static Object normalize(Object value, int depth) {
        if (depth > MAX_ENCODE_DEPTH) {
            throw new IllegalArgumentException("value nests deeper than " + MAX_ENCODE_DEPTH + " (cycle?)");
        }
        if (value instanceof Long || value instanceof BString || value instanceof BDict) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof byte[] b) {
            return BString.of(b);
        }
        if (value instanceof String s) {
            return BString.of(s);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(normalize(o, depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Map<?, ?> map) {
            BDict dict = new BDict();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object k = e.getKey();
                String key;
                if (k instanceof String s) {
                    key = s;
                } else if (k instanceof BString || k instanceof byte[]) {
                    // BDict.put takes String keys; binary keys keep their bytes through the raw path below
                    BString bk = k instanceof BString bs ? bs : BString.of((byte[]) k);
                    dict.putRaw(bk, normalize(e.getValue(), depth + 1));
                    continue;
                } else {
                    throw new IllegalArgumentException("dict key must be String, BString or byte[]: " + k);
                }
                dict.put(key, normalize(e.getValue(), depth + 1));
            }
            return dict;
        }
        throw new IllegalArgumentException("cannot bencode " + (value == null ? "null" : value.getClass().getName()));
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        if (v instanceof Long l) {
            out.writeBytes(("i" + l + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (v instanceof BString s) {
            out.writeBytes((s.length() + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(s.unsafeBytes());
        } else if (v instanceof List<?> list) {
            out.write('l');
            for (Object o : list) {
                write(out, normalize(o, 0));
            }
            out.write('e');
        } else if (v instanceof BDict dict) {
            out.write('d');
            // asMap is a TreeMap view ordered by unsigned key bytes: canonical order
            for (Map.Entry<BString, Object> e : dict.asMap().entrySet()) {
                write(out, e.getKey());
                write(out, e.getValue());
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + v);
        }
    }

    static String typeName(Object v) {
        if (v instanceof Long) {
            return "integer";
        }
        if (v instanceof BString) {
            return "byte string";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof BDict) {
            return "dictionary";
        }
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    /** One decoding pass; recursive, depth bounded by limits.maxDepth (itself capped, see BencodeLimits). */
    private static final class Decoder {
        private final byte[] data;
        private final BencodeLimits limits;
        private final int limit;
        private final boolean sizeLimited;
        private int pos;
        private int items;

        Decoder(byte[] data, int offset, BencodeLimits limits) {
            this.data = data;
            this.limits = limits;
            this.pos = offset;
            long max = (long) offset + limits.maxTotalSize();
            this.sizeLimited = max < data.length;
            this.limit = (int) Math.min(data.length, max);
        }

        private BencodeException eof(String what) {
            if (sizeLimited) {
                return new BencodeException("value exceeds max total size " + limits.maxTotalSize() + " while reading "
                        + what, pos);
            }
            return new BencodeException("unexpected end of input while reading " + what, pos);
        }

        private void countItem(int at) {
            if (++items > limits.maxItems()) {
                throw new BencodeException("more than " + limits.maxItems() + " items", at);
            }
        }

        Object value(int depth) {
            if (pos >= limit) {
                throw eof("a value");
            }
            int start = pos;
            byte b = data[pos];
            if (b == 'i') {
                countItem(start);
                return integer();
            }
            if (b >= '0' && b <= '9') {
                countItem(start);
                return string();
            }
            if (b == 'l' || b == 'd') {
                if (depth > limits.maxDepth()) {
                    throw new BencodeException("nesting deeper than " + limits.maxDepth(), start);
                }
                countItem(start);
                return b == 'l' ? list(depth) : dict(depth);
            }
            throw new BencodeException("unexpected byte 0x" + Integer.toHexString(b & 0xff) + " (expected i, l, d or digit)",
                    start);
        }

        private Long integer() {
            int start = pos;
            pos++; // 'i'
            boolean negative = false;
            if (pos < limit && data[pos] == '-') {
                negative = true;
                pos++;
            }
            int digitsStart = pos;
            long acc = 0; // accumulated negatively so Long.MIN_VALUE fits
            while (pos < limit && data[pos] >= '0' && data[pos] <= '9') {
                int digit = data[pos] - '0';
                if (acc < (Long.MIN_VALUE + digit) / 10) {
                    throw new BencodeException("integer overflows 64 bits", start);
                }
                acc = acc * 10 - digit;
                pos++;
            }
            if (pos >= limit) {
                throw eof("an integer");
            }
            if (data[pos] != 'e') {
                throw new BencodeException("unexpected byte 0x" + Integer.toHexString(data[pos] & 0xff)
                        + " in integer", pos);
            }
            int digits = pos - digitsStart;
            if (digits == 0) {
                throw new BencodeException("integer without digits", start);
            }
            if (data[digitsStart] == '0' && digits > 1) {
                throw new BencodeException("integer with leading zero", start);
            }
            if (negative && acc == 0) {
                throw new BencodeException("negative zero integer", start);
            }
            if (!negative && acc == Long.MIN_VALUE) {
                throw new BencodeException("integer overflows 64 bits", start);
            }
            pos++; // 'e'
            return negative ? acc : -acc;
        }

        private BString string() {
            int start = pos;
            long len = 0;
            while (pos < limit && data[pos] >= '0' && data[pos] <= '9') {
                len = len * 10 + (data[pos] - '0');
                if (len > limits.maxStringLength()) {
                    throw new BencodeException("string length exceeds max " + limits.maxStringLength(), start);
                }
                pos++;
            }
            if (pos >= limit) {
                throw eof("a string length");
            }
            if (data[pos] != ':') {
                throw new BencodeException("unexpected byte 0x" + Integer.toHexString(data[pos] & 0xff)
                        + " in string length (expected ':')", pos);
            }
            if (data[start] == '0' && pos - start > 1) {
                throw new BencodeException("string length with leading zero", start);
            }
            pos++; // ':'
            if (len > limit - pos) {
                // checked before allocating: a declared huge length costs nothing
                if (sizeLimited) {
                    throw new BencodeException("string of " + len + " bytes exceeds max total size "
                            + limits.maxTotalSize(), start);
                }
                throw new BencodeException("string of " + len + " bytes runs past end of input ("
                        + (limit - pos) + " bytes left)", start);
            }
            byte[] b = new byte[(int) len];
            System.arraycopy(data, pos, b, 0, (int) len);
            pos += (int) len;
            return BString.wrap(b);
        }

        private List<Object> list(int depth) {
            pos++; // 'l'
            List<Object> out = new ArrayList<>();
            while (true) {
                if (pos >= limit) {
                    throw eof("a list");
                }
                if (data[pos] == 'e') {
                    pos++;
                    return Collections.unmodifiableList(out);
                }
                out.add(value(depth + 1));
            }
        }

        private BDict dict(int depth) {
            pos++; // 'd'
            BDict out = new BDict(data);
            while (true) {
                if (pos >= limit) {
                    throw eof("a dictionary");
                }
                if (data[pos] == 'e') {
                    pos++;
                    return out;
                }
                int keyStart = pos;
                if (data[pos] < '0' || data[pos] > '9') {
                    throw new BencodeException("dictionary key is not a byte string", keyStart);
                }
                countItem(keyStart);
                BString key = string();
                int valueStart = pos;
                Object v = value(depth + 1);
                if (!out.putDecoded(key, v, valueStart, pos)) {
                    throw new BencodeException("duplicate dictionary key '" + key + "'", keyStart);
                }
            }
        }
    }
}
