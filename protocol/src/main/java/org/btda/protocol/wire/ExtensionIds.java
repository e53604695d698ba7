package org.btda.protocol.wire;

/**
 * The BEP 10 extended message ids btda assigns in its own extended handshake ({@code m}). Peers send those extensions
 * to us under these ids, so the decoder and the handshake we send must use the same instance. 0 disables one.
 */
public record ExtensionIds(int utPex, int utMetadata) {
    public static final String UT_PEX = "ut_pex";
    public static final String UT_METADATA = "ut_metadata";
    public static final ExtensionIds DEFAULT = new ExtensionIds(1, 2);

    public ExtensionIds {
        if (utPex < 0 || utPex > 255 || utMetadata < 0 || utMetadata > 255 || (utPex != 0 && utPex == utMetadata)) {
            throw new IllegalArgumentException("extension ids must be distinct values in 1..255 (0 = off)");
        }
    }
}
