package org.btda.harvester.dht;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.dht.Krpc;
import org.btda.protocol.dht.KrpcException;
import org.btda.protocol.dht.KrpcMessage;
import org.btda.protocol.dht.NodeId;
import org.btda.protocol.dht.NodeInfo;

/**
 * One iterative Kademlia lookup (find_node or get_peers): keeps at most {@code alpha} queries in flight, always to the
 * closest not-yet-queried candidates among the K closest live ones, and ends when those K have all answered or failed.
 * For get_peers it keeps going after the first {@code values} (BEP 5 allows stopping, but a measurement wants every
 * peer the closest nodes know) and collects peers from all of them. Bounded by {@code maxQueries}.
 *
 * <p>One lookup walks one address family (BEP 32: a separate routing table per family): an IPv6 lookup takes only IPv6
 * candidates, asks for {@code nodes6} with {@code want} and reads {@code nodes6} from the replies.
 */
final class Lookup {
    /** Sends one query; the future fails on timeout, error reply or rate-limit refusal. */
    interface Transport {
        CompletableFuture<KrpcMessage.Response> query(InetSocketAddress to, NodeId expected, String method, BDict args);
    }

    private enum State { NEW, IN_FLIGHT, RESPONDED, FAILED }

    private static final class Candidate {
        final NodeInfo node;
        State state = State.NEW;
        byte[] token;

        Candidate(NodeInfo node) {
            this.node = node;
        }
    }

    private final Transport transport;
    private final NodeId self;
    private final NodeId target;
    private final boolean getPeers;
    private final boolean ipv6;
    private final int alpha;
    private final int maxQueries;
    private final TreeMap<NodeId, Candidate> candidates;
    private final Deque<InetSocketAddress> anonymous = new ArrayDeque<>();
    private final Set<InetSocketAddress> addresses = new HashSet<>();
    private final Set<InetSocketAddress> peers = new LinkedHashSet<>();
    private final CompletableFuture<Lookup> done = new CompletableFuture<>();
    private int inFlight;
    private int queried;
    private int responded;

    Lookup(Transport transport, NodeId self, NodeId target, boolean getPeers, boolean ipv6, int alpha, int maxQueries,
            List<NodeInfo> seeds, List<InetSocketAddress> anonymousSeeds) {
        this.transport = transport;
        this.self = self;
        this.target = target;
        this.getPeers = getPeers;
        this.ipv6 = ipv6;
        this.alpha = alpha;
        this.maxQueries = maxQueries;
        this.candidates = new TreeMap<>(target::compareDistance);
        seeds.forEach(this::offer);
        anonymousSeeds.forEach(a -> {
            if (ofFamily(a) && addresses.add(a)) {
                anonymous.add(a);
            }
        });
    }

    CompletableFuture<Lookup> run() {
        step();
        return done;
    }

    private boolean ofFamily(InetSocketAddress a) {
        return (a.getAddress() instanceof Inet6Address) == ipv6;
    }

    private void offer(NodeInfo n) {
        if (ofFamily(n.address()) && !n.id().equals(self) && !candidates.containsKey(n.id())
                && addresses.add(n.address())) {
            candidates.put(n.id(), new Candidate(n));
        }
    }

    private void step() {
        List<Runnable> sends = new ArrayList<>();
        synchronized (this) {
            if (done.isDone()) {
                return;
            }
            while (inFlight < alpha && queried < maxQueries && !anonymous.isEmpty()) {
                InetSocketAddress a = anonymous.poll();
                inFlight++;
                queried++;
                sends.add(() -> send(a, null));
            }
            int considered = 0;
            for (Candidate c : candidates.values()) {
                if (c.state == State.FAILED) {
                    continue;
                }
                if (++considered > RoutingTable.K || inFlight >= alpha || queried >= maxQueries) {
                    break;
                }
                if (c.state == State.NEW) {
                    c.state = State.IN_FLIGHT;
                    inFlight++;
                    queried++;
                    sends.add(() -> send(c.node.address(), c));
                }
            }
            if (inFlight == 0) {
                done.complete(this);
                return;
            }
        }
        sends.forEach(Runnable::run);
    }

    private void send(InetSocketAddress to, Candidate c) {
        BDict args = Krpc.withId(self).put(getPeers ? "info_hash" : "target", target.bytes())
                .put("want", new Krpc.Want(!ipv6, ipv6).asList());
        transport.query(to, c == null ? null : c.node.id(), getPeers ? "get_peers" : "find_node", args)
                .whenComplete((r, err) -> onReply(to, c, r, err));
    }

    private void onReply(InetSocketAddress from, Candidate c, KrpcMessage.Response r, Throwable err) {
        synchronized (this) {
            inFlight--;
            if (err != null) {
                if (c != null) {
                    c.state = State.FAILED;
                }
            } else {
                responded++;
                Candidate answered = c;
                if (answered == null && !r.sender().equals(self)) {
                    // a bootstrap address: now we know its id
                    answered = candidates.computeIfAbsent(r.sender(), id -> new Candidate(new NodeInfo(id, from)));
                }
                if (answered != null) {
                    answered.state = State.RESPONDED;
                    answered.token = Krpc.bytes(r.values(), "token");
                }
                absorb(r.values());
            }
        }
        step();
    }

    /** Takes nodes and values from a reply; malformed fields are ignored (the rest of the reply is still useful). */
    private void absorb(BDict values) {
        byte[] nodes = Krpc.bytes(values, ipv6 ? "nodes6" : "nodes");
        if (nodes != null) {
            try {
                (ipv6 ? Krpc.decodeNodes6(nodes) : Krpc.decodeNodes(nodes)).forEach(this::offer);
            } catch (KrpcException ignored) {
                // partial compact list: drop it, keep values
            }
        }
        if (getPeers) {
            try {
                peers.addAll(Krpc.decodeValues(values.get("values")));
            } catch (KrpcException ignored) {
                // values not a list: nothing to take
            }
        }
    }

    synchronized List<InetSocketAddress> peers() {
        return new ArrayList<>(peers);
    }

    synchronized int queried() {
        return queried;
    }

    synchronized int responded() {
        return responded;
    }

    /** The K closest nodes that answered, closest first, with their tokens. */
    synchronized List<LookupResult.TokenHolder> closestResponded() {
        List<LookupResult.TokenHolder> out = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            if (c.state == State.RESPONDED) {
                out.add(new LookupResult.TokenHolder(c.node, c.token));
                if (out.size() == RoutingTable.K) {
                    break;
                }
            }
        }
        return out;
    }
}
