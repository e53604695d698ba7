package org.btda.it.e2e;

/** Naive byte-sequence search: records are small (under a few KiB), so O(n·m) is fine. */
final class ByteSearch {
    private ByteSearch() {
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null || needle.length == 0 || haystack.length < needle.length) {
            return false;
        }
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
