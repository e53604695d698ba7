package org.btda.protocol.bencode;

/**
 * Bounds applied while decoding untrusted bencode. Every bound is checked before memory is allocated for the item,
 * so a declared 2 GB string costs nothing.
 *
 * @param maxDepth        maximum nesting of lists/dicts (the top-level value is depth 1)
 * @param maxStringLength maximum length of one byte string
 * @param maxTotalSize    maximum input size in bytes that the decoder will look at
 * @param maxItems        maximum number of values (integers, strings, lists, dicts, dict keys count as strings)
 */
public record BencodeLimits(int maxDepth, int maxStringLength, int maxTotalSize, int maxItems) {
    /**
     * Generous enough for very large real torrents (pieces strings of a few MB are common, tens of MB rare), strict
     * enough that one input cannot exhaust the heap. maxDepth is capped at 1024 because the decoder recurses.
     */
    public static final BencodeLimits DEFAULT = new BencodeLimits(64, 64 * 1024 * 1024, 128 * 1024 * 1024, 4_000_000);

    public BencodeLimits {
        if (maxDepth < 1 || maxDepth > 1024 || maxStringLength < 0 || maxTotalSize < 0 || maxItems < 1) {
            throw new IllegalArgumentException("invalid bencode limits");
        }
    }

    public BencodeLimits withMaxTotalSize(int size) {
        return new BencodeLimits(maxDepth, maxStringLength, size, maxItems);
    }

    public BencodeLimits withMaxStringLength(int length) {
        return new BencodeLimits(maxDepth, length, maxTotalSize, maxItems);
    }
}
