package org.btda.sink;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;

/**
 * One JSONEachRow line for ClickHouse. Times are written as 'yyyy-MM-dd HH:mm:ss.SSS' in UTC, which DateTime64(3,
 * 'UTC') parses exactly; bytes as lowercase hex. Hand-written so the sink needs no JSON library.
 */
final class JsonLine {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private final StringBuilder sb = new StringBuilder(256);

    JsonLine() {
        sb.append('{');
    }

    JsonLine str(String name, CharSequence v) {
        key(name);
        if (v == null) sb.append("null"); else quote(v);
        return this;
    }

    JsonLine num(String name, Number v) {
        key(name);
        if (v == null) sb.append("null");
        else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) sb.append("null");
        else sb.append(v);
        return this;
    }

    JsonLine bool(String name, boolean v) {
        key(name);
        sb.append(v);
        return this;
    }

    JsonLine time(String name, Instant v) {
        key(name);
        if (v == null) sb.append("null"); else quote(TIME.format(v));
        return this;
    }

    JsonLine hex(String name, ByteBuffer v) {
        if (v == null) return str(name, null);
        ByteBuffer d = v.duplicate();
        byte[] b = new byte[d.remaining()];
        d.get(b);
        return str(name, HexFormat.of().formatHex(b));
    }

    JsonLine strings(String name, Collection<?> values) {
        key(name);
        sb.append('[');
        boolean first = true;
        for (Object v : values) {
            if (!first) sb.append(',');
            first = false;
            quote(String.valueOf(v));
        }
        sb.append(']');
        return this;
    }

    /** Nested string lists (announce tiers). */
    JsonLine tiers(String name, java.util.List<? extends java.util.List<String>> tiers) {
        key(name);
        sb.append('[');
        for (int i = 0; i < tiers.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append('[');
            java.util.List<String> tier = tiers.get(i);
            for (int j = 0; j < tier.size(); j++) {
                if (j > 0) sb.append(',');
                quote(tier.get(j));
            }
            sb.append(']');
        }
        sb.append(']');
        return this;
    }

    JsonLine intMap(String name, Map<String, Integer> m) {
        key(name);
        sb.append('{');
        if (m != null) {
            boolean first = true;
            for (Map.Entry<String, Integer> e : m.entrySet()) {
                if (e.getValue() == null) continue;
                if (!first) sb.append(',');
                first = false;
                quote(e.getKey());
                sb.append(':').append(e.getValue());
            }
        }
        sb.append('}');
        return this;
    }

    String end() {
        return sb.append("}\n").toString();
    }

    private void key(String name) {
        if (sb.length() > 1) sb.append(',');
        quote(name);
        sb.append(':');
    }

    private void quote(CharSequence s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
