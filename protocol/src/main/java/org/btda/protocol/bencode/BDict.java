package org.btda.protocol.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A bencode dictionary, ordered by key bytes. When decoded it remembers where each value sat in the input, so
 * {@link #rawSpan(String)} returns the exact original bytes (the info hash must be computed over those, never over a
 * re-encoding, because real torrents are not always canonical).
 *
 * <p>Typed getters return {@code null} when the key is absent and throw {@link BencodeException} (offset of the
 * value, or -1) when the value has another type.
 */
public final class BDict {
    private final TreeMap<BString, Object> entries = new TreeMap<>();
    private final TreeMap<BString, int[]> spans;
    private final byte[] source;

    /** An empty dict built in code (rawSpan falls back to encoding). */
    public BDict() {
        this(null);
    }

    BDict(byte[] source) {
        this.source = source;
        this.spans = source == null ? null : new TreeMap<>();
    }

    /** Builder-style put for dicts built in code; returns this. Accepts the types {@link Bencode#encode} accepts. */
    public BDict put(String key, Object value) {
        entries.put(BString.of(key), Bencode.normalize(value, 0));
        if (spans != null) {
            spans.remove(BString.of(key));
        }
        return this;
    }

    /** Put with a binary key (for maps with byte[]/BString keys); value already normalized. */
    void putRaw(BString key, Object value) {
        entries.put(key, value);
        if (spans != null) {
            spans.remove(key);
        }
    }

    /** Returns false if the key was already present (duplicate). */
    boolean putDecoded(BString key, Object value, int start, int end) {
        if (entries.containsKey(key)) {
            return false;
        }
        entries.put(key, value);
        spans.put(key, new int[] {start, end});
        return true;
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public boolean containsKey(String key) {
        return entries.containsKey(BString.of(key));
    }

    /** Keys (lenient UTF-8), in key-byte order. */
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        for (BString k : entries.keySet()) {
            keys.add(k.toString());
        }
        return keys;
    }

    /** All entries with their byte-string keys, in key-byte order; unmodifiable. */
    public Map<BString, Object> asMap() {
        return Collections.unmodifiableMap(entries);
    }

    public Object get(String key) {
        return entries.get(BString.of(key));
    }

    public Object get(BString key) {
        return entries.get(key);
    }

    public BString getBString(String key) {
        return typed(key, BString.class, "byte string");
    }

    /** The value as strict UTF-8 text, or null if absent. */
    public String getString(String key) {
        BString s = getBString(key);
        if (s == null) {
            return null;
        }
        try {
            return s.utf8();
        } catch (BencodeException e) {
            throw new BencodeException("value of '" + key + "' is not valid UTF-8", offsetOf(key));
        }
    }

    public byte[] getBytes(String key) {
        BString s = getBString(key);
        return s == null ? null : s.bytes();
    }

    public Long getLong(String key) {
        return typed(key, Long.class, "integer");
    }

    public long getLong(String key, long defaultValue) {
        Long v = getLong(key);
        return v == null ? defaultValue : v;
    }

    public BDict getDict(String key) {
        return typed(key, BDict.class, "dictionary");
    }

    @SuppressWarnings("unchecked")
    public List<Object> getList(String key) {
        return typed(key, List.class, "list");
    }

    /**
     * Exact encoded bytes of the value under {@code key} as they appeared in the decoded input; for dicts built in code,
     * the canonical encoding. Null if the key is absent.
     */
    public byte[] rawSpan(String key) {
        BString k = BString.of(key);
        if (!entries.containsKey(k)) {
            return null;
        }
        int[] span = spans == null ? null : spans.get(k);
        if (span == null) {
            return Bencode.encode(entries.get(k));
        }
        return Arrays.copyOfRange(source, span[0], span[1]);
    }

    private int offsetOf(String key) {
        if (spans == null) {
            return -1;
        }
        int[] span = spans.get(BString.of(key));
        return span == null ? -1 : span[0];
    }

    private <T> T typed(String key, Class<T> type, String typeName) {
        Object v = get(key);
        if (v == null) {
            return null;
        }
        if (!type.isInstance(v)) {
            throw new BencodeException("value of '" + key + "' is " + Bencode.typeName(v) + ", expected " + typeName,
                    offsetOf(key));
        }
        return type.cast(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BDict other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        entries.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(k).append('=');
            sb.append(v instanceof BString s && s.length() > 64 ? "<" + s.length() + " bytes>" : String.valueOf(v));
        });
        return sb.append('}').toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
