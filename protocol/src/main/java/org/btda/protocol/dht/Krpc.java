package org.btda.protocol.dht;

import java.net.Inet6Address;
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
 * KRPC codec (BEP 5, with BEP 32's IPv6 {@code nodes6}, {@code want} and 18-byte {@code values}) over bencode with
 * small limits: a datagram is at most {@link #MAX_PACKET} bytes, nests at most {@link #LIMITS}.maxDepth deep and has
 * a bounded item count, so a hostile packet costs a few microseconds and a few KiB at most. Every decoding failure is
 * a {@link KrpcException}; nothing else escapes.
 */
public final class Krpc {
    /** Larger than any real KRPC packet (BEP 44 values are 1000 bytes); larger datagrams are truncated and fail. */
    public static final int MAX_PACKET = 8192;
    /** top dict → a/r dict → values list → string: depth 3; 6 leaves room for unknown extensions. */
    public static final BencodeLimits LIMITS = new BencodeLimits(6, MAX_PACKET, MAX_PACKET, 1024);
    public static final int MAX_TRANSACTION_ID = 16;
    public static final int COMPACT_NODE = 26;
    /** BEP 32 compact IPv6 node info: 20-byte id + 16-byte address + port. */
    public static final int COMPACT_NODE6 = 38;
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
     * BEP 5 compact node info ({@code nodes}): 20-byte id + 6-byte {@link CompactEndpoints} endpoint (IPv4). A trailing
     * partial entry is a protocol error; port 0 entries are skipped. The packet limit bounds the count (at most 315 in
     * 8 KiB).
     */
    public static List<NodeInfo> decodeNodes(byte[] compact) throws KrpcException {
        return decodeNodes(compact, COMPACT_NODE);
    }

    /** BEP 32 {@code nodes6}: 20-byte id + 18-byte IPv6 endpoint, otherwise like {@link #decodeNodes(byte[])}. */
    public static List<NodeInfo> decodeNodes6(byte[] compact) throws KrpcException {
        return decodeNodes(compact, COMPACT_NODE6);
    }

    private static List<NodeInfo> decodeNodes(byte[] compact, int entry) throws KrpcException {
        if (compact.length % entry != 0) {
            throw new KrpcException("compact node list of " + compact.length + " bytes is not a multiple of " + entry);
        }
        int endpoint = entry - NodeId.LENGTH;
        List<NodeInfo> out = new ArrayList<>(compact.length / entry);
        for (int off = 0; off < compact.length; off += entry) {
            int at = off + NodeId.LENGTH;
            if (CompactEndpoints.port(compact, at, endpoint) != 0) {
                byte[] id = new byte[NodeId.LENGTH];
                System.arraycopy(compact, off, id, 0, NodeId.LENGTH);
                out.add(new NodeInfo(NodeId.of(id), CompactEndpoints.read(compact, at, endpoint)));
            }
        }
        return out;
    }

    /** IPv4 nodes only (BEP 5 {@code nodes}); others are left out. */
    public static byte[] encodeNodes(List<NodeInfo> nodes) {
        return encodeNodes(nodes, COMPACT_NODE);
    }

    /** IPv6 nodes only (BEP 32 {@code nodes6}); others are left out. */
    public static byte[] encodeNodes6(List<NodeInfo> nodes) {
        return encodeNodes(nodes, COMPACT_NODE6);
    }

    private static byte[] encodeNodes(List<NodeInfo> nodes, int entry) {
        List<NodeInfo> same = nodes.stream().filter(n -> isIpv6(n.address()) == (entry == COMPACT_NODE6)).toList();
        byte[] out = new byte[same.size() * entry];
        int off = 0;
        for (NodeInfo n : same) {
            System.arraycopy(n.id().bytes(), 0, out, off, NodeId.LENGTH);
            CompactEndpoints.write(n.address(), out, off + NodeId.LENGTH);
            off += entry;
        }
        return out;
    }

    /**
     * {@code values}: a list of compact peers, 6 bytes for IPv4 (BEP 5) or 18 for IPv6 (BEP 32); entries of other
     * lengths (junk) and port 0 are skipped.
     */
    public static List<InetSocketAddress> decodeValues(Object values) throws KrpcException {
        if (values == null) {
            return List.of();
        }
        if (!(values instanceof List<?> list)) {
            throw new KrpcException("values is not a list");
        }
        List<InetSocketAddress> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (o instanceof BString s && (s.length() == CompactEndpoints.IPV4 || s.length() == CompactEndpoints.IPV6)) {
                byte[] b = s.bytes();
                if (CompactEndpoints.port(b, 0, b.length) != 0) {
                    out.add(CompactEndpoints.read(b, 0, b.length));
                }
            }
        }
        return out;
    }

    /** One peer for {@code values}: 6 bytes for IPv4, 18 for IPv6. */
    public static byte[] compactPeer(InetSocketAddress a) {
        return CompactEndpoints.encode(a);
    }

    /**
     * BEP 32 {@code want} of a find_node or get_peers query: which node lists the querier asks for. Without a (list)
     * {@code want}, the querier gets the list of the family it asked over; unknown entries are ignored.
     */
    public record Want(boolean n4, boolean n6) {
        public static Want of(BDict args, InetSocketAddress from) {
            if (!(args.get("want") instanceof List<?> list)) {
                return isIpv6(from) ? new Want(false, true) : new Want(true, false);
            }
            boolean n4 = false;
            boolean n6 = false;
            for (Object o : list) {
                if (o instanceof BString s) {
                    n4 |= s.toString().equals("n4");
                    n6 |= s.toString().equals("n6");
                }
            }
            return new Want(n4, n6);
        }

        /** The {@code want} list that asks for this. */
        public List<Object> asList() {
            List<Object> out = new ArrayList<>(2);
            if (n4) {
                out.add("n4");
            }
            if (n6) {
                out.add("n6");
            }
            return out;
        }
    }

    private static boolean isIpv6(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address;
    }
}
