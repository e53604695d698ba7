package org.btda.protocol.dht;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.bencode.BString;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.bencode.BencodeException;
import org.btda.protocol.bencode.BencodeLimits;
import org.btda.protocol.compact.CompactEndpoints;

/**
 * KRPC codec (BEP 5) over bencode with small limits: a datagram is at most {@link #MAX_PACKET} bytes, nests at most
 * {@link #LIMITS}.maxDepth deep and has a bounded item count, so a hostile packet costs a few microseconds and a few
 * KiB at most. Every decoding failure is a {@link KrpcException}; nothing else escapes.
 */
public final class Krpc {
    /** Larger than any real KRPC packet (BEP 44 values are 1000 bytes); larger datagrams are truncated and fail. */
    public static final int MAX_PACKET = 8192;
    /** top dict → a/r dict → values list → string: depth 3; 6 leaves room for unknown extensions. */
    public static final BencodeLimits LIMITS = new BencodeLimits(6, MAX_PACKET, MAX_PACKET, 1024);
    public static final int MAX_TRANSACTION_ID = 16;
    public static final int COMPACT_NODE = 26;
    public static final int COMPACT_PEER = CompactEndpoints.IPV4;

    public static final long ERROR_GENERIC = 201;
    public static final long ERROR_SERVER = 202;
    public static final long ERROR_PROTOCOL = 203;
    public static final long ERROR_METHOD_UNKNOWN = 204;

    private Krpc() {
    }

    public static KrpcMessage decode(byte[] packet) throws KrpcException {
        if (packet.length > MAX_PACKET) {
            throw new KrpcException("packet of " + packet.length + " bytes exceeds " + MAX_PACKET);
        }
        Object root;
        try {
            root = Bencode.decode(packet, LIMITS);
        } catch (BencodeException e) {
            throw new KrpcException("bad bencode: " + e.getMessage());
        }
        if (!(root instanceof BDict d)) {
            throw new KrpcException("message is not a dictionary");
        }
        byte[] tid = bytes(d, "t");
        if (tid == null || tid.length > MAX_TRANSACTION_ID) {
            throw new KrpcException("missing or oversized transaction id");
        }
        String y = string(d, "y");
        if (y == null) {
            throw new KrpcException("missing y");
        }
        switch (y) {
            case "q" -> {
                String method = string(d, "q");
                BDict a = dict(d, "a");
                if (method == null || a == null) {
                    throw new KrpcException("query without q or a");
                }
                NodeId sender = id(a, "id");
                boolean ro = d.get("ro") instanceof Long l && l == 1;
                return new KrpcMessage.Query(tid, method, sender, a, ro);
            }
            case "r" -> {
                BDict r = dict(d, "r");
                if (r == null) {
                    throw new KrpcException("response without r");
                }
                return new KrpcMessage.Response(tid, id(r, "id"), r);
            }
            case "e" -> {
                if (!(d.get("e") instanceof List<?> e) || e.size() < 2 || !(e.get(0) instanceof Long code)
                        || !(e.get(1) instanceof BString msg)) {
                    throw new KrpcException("error without [code, message]");
                }
                return new KrpcMessage.Error(tid, code, msg.toString());
            }
            default -> throw new KrpcException("unknown message type y=" + y);
        }
    }

    public static byte[] encode(KrpcMessage m) {
        BDict d = new BDict().put("t", m.transactionId());
        if (m instanceof KrpcMessage.Query q) {
            d.put("y", "q").put("q", q.method()).put("a", q.args());
            if (q.readOnly()) {
                d.put("ro", 1L);
            }
        } else if (m instanceof KrpcMessage.Response r) {
            d.put("y", "r").put("r", r.values());
        } else if (m instanceof KrpcMessage.Error e) {
            d.put("y", "e").put("e", List.of(e.code(), e.message()));
        }
        return Bencode.encode(d);
    }

    /** Args/values dict starting with {@code id}; callers add method fields. */
    public static BDict withId(NodeId id) {
        return new BDict().put("id", id.bytes());
    }

    /** A 20-byte field (id, target, info_hash), or KrpcException. */
    public static NodeId id(BDict d, String key) throws KrpcException {
        byte[] b = bytes(d, key);
        if (b == null || b.length != NodeId.LENGTH) {
            throw new KrpcException("'" + key + "' is not a 20-byte string");
        }
        return NodeId.of(b);
    }

    public static byte[] bytes(BDict d, String key) {
        return d.get(key) instanceof BString s ? s.bytes() : null;
    }

    private static String string(BDict d, String key) {
        return d.get(key) instanceof BString s ? s.toString() : null;
    }

    private static BDict dict(BDict d, String key) {
        return d.get(key) instanceof BDict x ? x : null;
    }

    // ---- compact formats --------------------------------------------------------------------------------------------

    /**
     * BEP 5 compact node info: 20-byte id + 6-byte {@link CompactEndpoints} endpoint (IPv4). A trailing partial entry is a
     * protocol error; port 0 entries are skipped. The packet limit bounds the count (at most 315 in 8 KiB).
     */
    public static List<NodeInfo> decodeNodes(byte[] compact) throws KrpcException {
        if (compact.length % COMPACT_NODE != 0) {
            throw new KrpcException("nodes length " + compact.length + " is not a multiple of 26");
        }
        List<NodeInfo> out = new ArrayList<>(compact.length / COMPACT_NODE);
        for (int off = 0; off < compact.length; off += COMPACT_NODE) {
            int at = off + NodeId.LENGTH;
            if (CompactEndpoints.port(compact, at, COMPACT_PEER) != 0) {
                byte[] id = new byte[NodeId.LENGTH];
                System.arraycopy(compact, off, id, 0, NodeId.LENGTH);
                out.add(new NodeInfo(NodeId.of(id), CompactEndpoints.read(compact, at, COMPACT_PEER)));
            }
        }
        return out;
    }

    /** IPv4 nodes only (BEP 5 {@code nodes}); others are left out. */
    public static byte[] encodeNodes(List<NodeInfo> nodes) {
        List<NodeInfo> v4 = nodes.stream().filter(n -> n.address().getAddress() instanceof Inet4Address).toList();
        byte[] out = new byte[v4.size() * COMPACT_NODE];
        int off = 0;
        for (NodeInfo n : v4) {
            System.arraycopy(n.id().bytes(), 0, out, off, NodeId.LENGTH);
            CompactEndpoints.write(n.address(), out, off + NodeId.LENGTH);
            off += COMPACT_NODE;
        }
        return out;
    }

    /** BEP 5 {@code values}: list of 6-byte compact peers; entries of other lengths (IPv6, junk) and port 0 are skipped. */
    public static List<InetSocketAddress> decodeValues(Object values) throws KrpcException {
        if (values == null) {
            return List.of();
        }
        if (!(values instanceof List<?> list)) {
            throw new KrpcException("values is not a list");
        }
        List<InetSocketAddress> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (o instanceof BString s && s.length() == COMPACT_PEER) {
                byte[] b = s.bytes();
                if (CompactEndpoints.port(b, 0, COMPACT_PEER) != 0) {
                    out.add(CompactEndpoints.read(b, 0, COMPACT_PEER));
                }
            }
        }
        return out;
    }

    /** One IPv4 peer for {@code values}. */
    public static byte[] compactPeer(InetSocketAddress a) {
        if (!(a.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("compact format is IPv4 only: " + a);
        }
        return CompactEndpoints.encode(a);
    }
}
