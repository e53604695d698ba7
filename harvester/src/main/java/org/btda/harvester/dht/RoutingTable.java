package org.btda.harvester.dht;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.btda.protocol.dht.NodeId;
import org.btda.protocol.dht.NodeInfo;

/**
 * Kademlia routing table (BEP 5) with K = 8. Bucket {@code i} (except the last) holds nodes sharing exactly {@code i}
 * leading bits with our id; the last bucket holds all closer ones and is the only one that splits. A full bucket keeps
 * its nodes (long-lived nodes are the most reliable) and puts newcomers in a bounded replacement cache; a node that
 * failed {@link #BAD_FAILURES} queries in a row is bad and is replaced by the freshest cached node.
 *
 * <p>Thread-safe (synchronized): it is small (at most 160 × 8 entries) and touched once per packet.
 */
public final class RoutingTable {
    public static final int K = 8;
    public static final int BAD_FAILURES = 2;
    /** BEP 5: a bucket untouched for 15 minutes should be refreshed. */
    public static final long STALE_AFTER_MILLIS = 15 * 60 * 1000L;

    /** A routing table entry; mutable, guarded by the table's lock. */
    public static final class Entry {
        final NodeInfo node;
        long lastSeen;
        int failures;

        Entry(NodeInfo node, long now) {
            this.node = node;
            this.lastSeen = now;
        }

        public NodeInfo node() {
            return node;
        }

        boolean bad() {
            return failures >= BAD_FAILURES;
        }
    }

    private static final class Bucket {
        final List<Entry> entries = new ArrayList<>(K);
        final Deque<Entry> replacements = new ArrayDeque<>(K);
        long lastChanged;

        Bucket(long now) {
            lastChanged = now;
        }
    }

    private final NodeId self;
    private final List<Bucket> buckets = new ArrayList<>();

    public RoutingTable(NodeId self, long now) {
        this.self = self;
        buckets.add(new Bucket(now));
    }

    public NodeId self() {
        return self;
    }

    private int indexFor(NodeId id) {
        return Math.min(self.commonPrefixLength(id), buckets.size() - 1);
    }

    /**
     * Records that {@code node} answered us or queried us at {@code now}. Returns true if it is in the table afterwards.
     * A known id at a different address is not moved (that would let anyone hijack a contact by spoofing its id).
     */
    public synchronized boolean seen(NodeInfo node, long now) {
        if (node.id().equals(self)) {
            return false;
        }
        while (true) {
            int index = indexFor(node.id());
            Bucket b = buckets.get(index);
            for (Entry e : b.entries) {
                if (e.node.id().equals(node.id())) {
                    if (!e.node.address().equals(node.address())) {
                        return false;
                    }
                    e.lastSeen = now;
                    e.failures = 0;
                    b.lastChanged = now;
                    return true;
                }
            }
            if (b.entries.size() < K) {
                b.entries.add(new Entry(node, now));
                b.lastChanged = now;
                return true;
            }
            Entry bad = b.entries.stream().filter(Entry::bad).findFirst().orElse(null);
            if (bad != null) {
                b.entries.remove(bad);
                b.entries.add(new Entry(node, now));
                b.lastChanged = now;
                return true;
            }
            if (index == buckets.size() - 1 && buckets.size() < NodeId.BITS) {
                split();
                continue;
            }
            b.replacements.removeIf(e -> e.node.id().equals(node.id()));
            if (b.replacements.size() >= K) {
                b.replacements.removeFirst();
            }
            b.replacements.addLast(new Entry(node, now));
            return false;
        }
    }

    /** Moves the nodes that share more than {@code last} bits with us into a new last bucket. */
    private void split() {
        int last = buckets.size() - 1;
        Bucket old = buckets.get(last);
        Bucket next = new Bucket(old.lastChanged);
        buckets.add(next);
        old.entries.removeIf(e -> {
            if (self.commonPrefixLength(e.node.id()) > last) {
                next.entries.add(e);
                return true;
            }
            return false;
        });
        old.replacements.removeIf(e -> {
            if (self.commonPrefixLength(e.node.id()) > last) {
                next.replacements.add(e);
                return true;
            }
            return false;
        });
    }

    /** A query to {@code node} timed out; after {@link #BAD_FAILURES} it is replaced by a cached node if any. */
    public synchronized void failed(NodeId id) {
        Bucket b = buckets.get(indexFor(id));
        for (Entry e : b.entries) {
            if (e.node.id().equals(id)) {
                e.failures++;
                if (e.bad() && !b.replacements.isEmpty()) {
                    b.entries.remove(e);
                    b.entries.add(b.replacements.removeLast());
                }
                return;
            }
        }
    }

    /** Up to {@code n} non-bad nodes closest to {@code target}, closest first. */
    public synchronized List<NodeInfo> closest(NodeId target, int n) {
        List<NodeInfo> all = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Entry e : b.entries) {
                if (!e.bad()) {
                    all.add(e.node);
                }
            }
        }
        all.sort(Comparator.comparing(NodeInfo::id, target::compareDistance));
        return all.size() > n ? new ArrayList<>(all.subList(0, n)) : all;
    }

    public synchronized boolean contains(NodeId id) {
        return buckets.get(indexFor(id)).entries.stream().anyMatch(e -> e.node.id().equals(id));
    }

    public synchronized int size() {
        return buckets.stream().mapToInt(b -> b.entries.size()).sum();
    }

    public synchronized int bucketCount() {
        return buckets.size();
    }

    public synchronized int replacementCount() {
        return buckets.stream().mapToInt(b -> b.replacements.size()).sum();
    }

    /** Every node in the table (for persistence), bucket order. */
    public synchronized List<NodeInfo> nodes() {
        List<NodeInfo> all = new ArrayList<>();
        buckets.forEach(b -> b.entries.forEach(e -> all.add(e.node)));
        return all;
    }

    /** Address known for {@code id}, or null. */
    public synchronized InetSocketAddress addressOf(NodeId id) {
        return buckets.get(indexFor(id)).entries.stream().filter(e -> e.node.id().equals(id))
                .map(e -> e.node.address()).findFirst().orElse(null);
    }

    /**
     * One random target inside each bucket not changed for {@link #STALE_AFTER_MILLIS}; the caller runs a find_node
     * lookup for each and the bucket counts as refreshed from now.
     */
    public synchronized List<NodeId> refreshTargets(long now, Random random) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            if (now - b.lastChanged >= STALE_AFTER_MILLIS) {
                boolean last = i == buckets.size() - 1;
                out.add(self.randomWithPrefix(i, !last, random));
                b.lastChanged = now;
            }
        }
        return out;
    }
}
