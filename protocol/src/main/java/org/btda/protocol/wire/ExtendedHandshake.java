package org.btda.protocol.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.bencode.BString;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.bencode.BencodeLimits;

/**
 * BEP 10 extended handshake (extended id 0). Decoding is lenient per field (real clients send odd types): a field with
 * the wrong type or an out-of-range value reads as absent; only a payload that is not a bencoded dict is malformed.
 *
 * <p>{@link #yourIp()} is the address the peer sees us at. It is kept in memory only, for NAT diagnostics, and is
 * deliberately excluded from {@link #toString()} and {@link #equals}: it must never be logged or persisted.
 */
public final class ExtendedHandshake implements PeerMessage {
    /** The {@code v} btda sends. */
    public static final String BTDA_VERSION = "btda 0.1";

    private final Map<String, Integer> extensions;
    private final String clientVersion;
    private final Integer listenPort;
    private final Integer requestQueue;
    private final Long metadataSize;
    private final boolean uploadOnly;
    private final InetAddress yourIp;

    /**
     * @param extensions extension name → id (1..255); entries with other ids are dropped
     */
    public ExtendedHandshake(Map<String, Integer> extensions, String clientVersion, Integer listenPort,
            Integer requestQueue, Long metadataSize, boolean uploadOnly, InetAddress yourIp) {
        Map<String, Integer> m = new TreeMap<>();
        extensions.forEach((k, v) -> {
            if (v != null && v >= 1 && v <= 255) {
                m.put(k, v);
            }
        });
        this.extensions = Collections.unmodifiableMap(m);
        this.clientVersion = clientVersion;
        this.listenPort = listenPort;
        this.requestQueue = requestQueue;
        this.metadataSize = metadataSize;
        this.uploadOnly = uploadOnly;
        this.yourIp = yourIp;
    }

    /**
     * The handshake btda sends: {@code m} with ut_pex / ut_metadata under the ids in {@code ids} as requested,
     * {@code v} = {@value #BTDA_VERSION}, {@code p} when listening, {@code reqq}. No metadata_size: btda never serves
     * metadata (it answers ut_metadata requests with reject).
     */
    public static ExtendedHandshake forBtda(ExtensionIds ids, boolean utPex, boolean utMetadata, Integer listenPort,
            int requestQueue) {
        Map<String, Integer> m = new LinkedHashMap<>();
        if (utPex && ids.utPex() != 0) {
            m.put(ExtensionIds.UT_PEX, ids.utPex());
        }
        if (utMetadata && ids.utMetadata() != 0) {
            m.put(ExtensionIds.UT_METADATA, ids.utMetadata());
        }
        return new ExtendedHandshake(m, BTDA_VERSION, listenPort, requestQueue, null, false, null);
    }

    /** Enabled extensions (name → the id to use when sending that extension to this peer). */
    public Map<String, Integer> extensions() {
        return extensions;
    }

    /** The peer's id for an extension, or 0 if it does not support it. */
    public int extensionId(String name) {
        return extensions.getOrDefault(name, 0);
    }

    /** {@code v}: client name and version, lenient UTF-8; null if absent. */
    public String clientVersion() {
        return clientVersion;
    }

    /** {@code p}: the peer's listen port (1..65535), or null. Part of peer identity for incoming peers. */
    public Integer listenPort() {
        return listenPort;
    }

    /** {@code reqq}, or null. */
    public Integer requestQueue() {
        return requestQueue;
    }

    /** {@code metadata_size} (BEP 9), unbounded here: callers must cap it before allocating; null if absent. */
    public Long metadataSize() {
        return metadataSize;
    }

    /** BEP 21 {@code upload_only} = 1 (the peer is a seed or partial seed not downloading). */
    public boolean uploadOnly() {
        return uploadOnly;
    }

    /** {@code yourip}: memory only, never persist or log. Null if absent or not 4/16 bytes. */
    public InetAddress yourIp() {
        return yourIp;
    }

    byte[] encodePayload() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("m", new LinkedHashMap<String, Object>(extensions));
        if (clientVersion != null) {
            d.put("v", clientVersion);
        }
        if (listenPort != null) {
            d.put("p", listenPort);
        }
        if (requestQueue != null) {
            d.put("reqq", requestQueue);
        }
        if (metadataSize != null) {
            d.put("metadata_size", metadataSize);
        }
        if (uploadOnly) {
            d.put("upload_only", 1);
        }
        return Bencode.encode(d);
    }

    /** Throws {@link org.btda.protocol.bencode.BencodeException} or IllegalArgumentException on a malformed payload. */
    static ExtendedHandshake parse(byte[] payload, BencodeLimits limits) {
        Object decoded = Bencode.decode(payload, limits);
        if (!(decoded instanceof BDict dict)) {
            throw new IllegalArgumentException("extended handshake is not a dictionary");
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        if (dict.get("m") instanceof BDict md) {
            md.asMap().forEach((k, v) -> {
                if (v instanceof Long id && id >= 1 && id <= 255) {
                    m.put(k.toString(), id.intValue());
                }
            });
        }
        String v = dict.get("v") instanceof BString s ? s.toString() : null;
        Long p = longValue(dict, "p");
        Long reqq = longValue(dict, "reqq");
        Long metadataSize = longValue(dict, "metadata_size");
        Long uploadOnly = longValue(dict, "upload_only");
        return new ExtendedHandshake(m, v,
                p != null && p >= 1 && p <= 65535 ? p.intValue() : null,
                reqq != null && reqq >= 0 && reqq <= Integer.MAX_VALUE ? reqq.intValue() : null,
                metadataSize != null && metadataSize >= 0 ? metadataSize : null,
                uploadOnly != null && uploadOnly != 0,
                address(dict.get("yourip")));
    }

    private static Long longValue(BDict dict, String key) {
        return dict.get(key) instanceof Long l ? l : null;
    }

    private static InetAddress address(Object o) {
        if (o instanceof BString s && (s.length() == 4 || s.length() == 16)) {
            try {
                return InetAddress.getByAddress(s.bytes()); // literal bytes: no name lookup
            } catch (UnknownHostException e) {
                return null; // unreachable for 4/16 bytes
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExtendedHandshake h && extensions.equals(h.extensions)
                && Objects.equals(clientVersion, h.clientVersion) && Objects.equals(listenPort, h.listenPort)
                && Objects.equals(requestQueue, h.requestQueue) && Objects.equals(metadataSize, h.metadataSize)
                && uploadOnly == h.uploadOnly;
    }

    @Override
    public int hashCode() {
        return Objects.hash(extensions, clientVersion, listenPort, requestQueue, metadataSize, uploadOnly);
    }

    @Override
    public String toString() {
        return "ExtendedHandshake[m=" + extensions + ", v=" + clientVersion + ", p=" + listenPort + ", reqq="
                + requestQueue + ", metadata_size=" + metadataSize + ", upload_only=" + uploadOnly + "]";
    }
}
