package org.btda.sink;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;

/**
 * One JSONEachRow line for ClickHouse: what the sink wrote before it wrote RowBinary, kept as the reference the
 * RowBinary rows are compared with ({@link JsonReference}). Times are written as 'yyyy-MM-dd HH:mm:ss.SSS' in UTC,
 * which DateTime64(3, 'UTC') parses exactly; bytes as lowercase hex.
 */
final class JsonLine {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private final StringBuilder sb = new StringBuilder(1024);   // an observation row is ~600 chars: no regrowth

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
        if (v == null) sb.append("null"); else timeText(v);
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

    /** A torrent's file list as an array of (path, size, padding) tuples. */
    JsonLine files(String name, java.util.List<org.btda.events.TorrentFile> files) {
        key(name);
        sb.append('[');
        for (int i = 0; i < files.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append('[');
            quote(files.get(i).getPath());
            sb.append(',').append(files.get(i).getSize()).append(',').append(files.get(i).getPadding()).append(']');
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
        int n = s.length();
        int i = 0;
        while (i < n) {                       // fast path: most strings need no escaping, append them whole
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') break;
            i++;
        }
        sb.append(s, 0, i);
        for (; i < n; i++) {
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

    /** 'yyyy-MM-dd HH:mm:ss.SSS' in UTC without DateTimeFormatter, which was a visible share of the sink's CPU. */
    private void timeText(Instant v) {
        long ms = v.toEpochMilli();
        long secs = Math.floorDiv(ms, 1000L);
        int milli = (int) Math.floorMod(ms, 1000L);
        java.time.LocalDate d = java.time.LocalDate.ofEpochDay(Math.floorDiv(secs, 86_400L));
        int sod = (int) Math.floorMod(secs, 86_400L);
        if (d.getYear() < 1000 || d.getYear() > 9999) {        // outside DateTime64's usual range: the general path
            quote(TIME.format(v));
            return;
        }
        sb.append('"').append(d.getYear()).append('-');
        two(d.getMonthValue()).append('-');
        two(d.getDayOfMonth()).append(' ');
        two(sod / 3600).append(':');
        two(sod / 60 % 60).append(':');
        two(sod % 60).append('.');
        if (milli < 100) sb.append('0');
        if (milli < 10) sb.append('0');
        sb.append(milli).append('"');
    }

    private StringBuilder two(int v) {
        if (v < 10) sb.append('0');
        return sb.append(v);
    }
}
