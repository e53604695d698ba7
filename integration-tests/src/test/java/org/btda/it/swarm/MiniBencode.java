package org.btda.it.swarm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough bencode to read tracker responses and find the info dict span of the fixture's own torrent. The fixture
 * deliberately does not use btda-protocol: it is the independent reference the btda code is checked against.
 * Values: Long, byte[], List, Map&lt;String, Object&gt; (keys decoded as ISO-8859-1).
 */
final class MiniBencode {
    private static final int MAX_DEPTH = 32;
    private static final int MAX_INPUT = 16 * 1024 * 1024;

    private final byte[] data;
    private int pos;
    private int infoStart = -1;
    private int infoEnd = -1;

    private MiniBencode(byte[] data) {
        if (data.length > MAX_INPUT) {
            throw new IllegalArgumentException("bencode input too large: " + data.length);
        }
        this.data = data;
    }

    static Object decode(byte[] data) {
        MiniBencode d = new MiniBencode(data);
        Object v = d.value(0);
        if (d.pos != data.length) {
            throw new IllegalArgumentException("trailing bytes at " + d.pos);
        }
        return v;
    }

    /** The exact bytes of the top-level "info" value, whose SHA-1 is the info hash. */
    static byte[] infoSpan(byte[] torrent) {
        MiniBencode d = new MiniBencode(torrent);
        d.value(0);
        if (d.infoStart < 0) {
            throw new IllegalArgumentException("no info dict");
        }
        return java.util.Arrays.copyOfRange(torrent, d.infoStart, d.infoEnd);
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("too deep at " + pos);
        }
        byte b = at(pos);
        switch (b) {
            case 'i': {
                pos++;
                int e = indexOf('e');
                long v = Long.parseLong(new String(data, pos, e - pos, java.nio.charset.StandardCharsets.US_ASCII));
                pos = e + 1;
                return v;
            }
            case 'l': {
                pos++;
                List<Object> list = new ArrayList<>();
                while (at(pos) != 'e') {
                    list.add(value(depth + 1));
                }
                pos++;
                return list;
            }
            case 'd': {
                pos++;
                Map<String, Object> map = new LinkedHashMap<>();
                while (at(pos) != 'e') {
                    String key = new String(bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                    int start = pos;
                    Object v = value(depth + 1);
                    if (depth == 0 && key.equals("info")) {
                        infoStart = start;
                        infoEnd = pos;
                    }
                    map.put(key, v);
                }
                pos++;
                return map;
            }
            default:
                return bytes();
        }
    }

    private byte[] bytes() {
        int colon = indexOf(':');
        int len = Integer.parseInt(new String(data, pos, colon - pos, java.nio.charset.StandardCharsets.US_ASCII));
        if (len < 0 || colon + 1 + len > data.length) {
            throw new IllegalArgumentException("bad string length at " + pos);
        }
        pos = colon + 1 + len;
        return java.util.Arrays.copyOfRange(data, colon + 1, colon + 1 + len);
    }

    private int indexOf(char c) {
        for (int i = pos; i < data.length && i < pos + 24; i++) {
            if (data[i] == c) {
                return i;
            }
        }
        throw new IllegalArgumentException("expected '" + c + "' after " + pos);
    }

    private byte at(int i) {
        if (i >= data.length) {
            throw new IllegalArgumentException("truncated at " + i);
        }
        return data[i];
    }
}
