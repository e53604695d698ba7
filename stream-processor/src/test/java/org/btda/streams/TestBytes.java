package org.btda.streams;

/** Byte-array search for tests that check what a serialized form does (or must not) contain. */
public final class TestBytes {
    private TestBytes() {}

    /** Index of the first occurrence of {@code needle} in {@code hay}, or -1. */
    public static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
