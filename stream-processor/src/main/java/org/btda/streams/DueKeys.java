package org.btda.streams;

/**
 * Keys of the due store: zero-padded due time in millis, '|', peer ref. Zero padding makes byte order equal time
 * order, so a range scan from the start up to "now" yields exactly the due peers, earliest first.
 */
final class DueKeys {
    private DueKeys() {}

    private static final int WIDTH = 16;
    private static final char SEP = '|';

    static String of(long dueMillis, String peerRef) {
        return pad(Math.max(0, dueMillis)) + SEP + peerRef;
    }

    /** Smallest possible key. */
    static String lowest() {
        return pad(0);
    }

    /** Largest key due at or before {@code now}: '|' is followed by '}' and '~' in ASCII, nothing in a ref is above '~'. */
    static String upTo(long now) {
        return pad(Math.max(0, now)) + '~';
    }

    static String peerRef(String dueKey) {
        return dueKey.substring(WIDTH + 1);
    }

    static long dueAt(String dueKey) {
        return Long.parseLong(dueKey, 0, WIDTH, 10);
    }

    private static String pad(long v) {
        String s = Long.toString(v);
        return "0".repeat(WIDTH - s.length()) + s;
    }
}
