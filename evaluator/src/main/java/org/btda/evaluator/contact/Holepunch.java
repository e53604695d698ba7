package org.btda.evaluator.contact;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.btda.protocol.holepunch.HolepunchMessage;

/**
 * BEP 55 bookkeeping of one evaluator: which peers it could not reach directly (candidates, per torrent), and which
 * addresses a relay has just told to dial us (expected uTP SYNs). Shared by the contact engine's, the listener's and
 * the uTP socket's event loops, so every method is synchronized; every collection is bounded in size and time, and
 * whatever does not fit is counted and dropped.
 *
 * <p>Why candidates wait for a later session rather than triggering one: btda's sessions are short and driven by
 * contact requests, so a failed peer is remembered (for {@link Limits#candidateTtl}) until a session with another peer
 * of the same torrent that advertises {@code ut_holepunch} comes along; that session asks it to relay.
 *
 * <p>btda never relays: relaying means forwarding a {@code connect} to a peer on someone else's behalf, and btda
 * only sends what it asked for itself. A {@code rendezvous} addressed to btda is answered with NotConnected.
 */
public final class Holepunch {

    /**
     * The bounds. Constants of the mechanism, not settings: they follow from session lengths and from BEP 55 (a relay
     * answers at once, the target dials at once).
     *
     * @param candidateTtl          how long an unreachable peer stays a candidate
     * @param maxTorrents           torrents with candidates at once (the least recently touched is dropped)
     * @param maxPerTorrent         candidates per torrent (the oldest is dropped)
     * @param rendezvousPerSession  rendezvous one relay session sends
     * @param maxAsks               relays asked about one candidate before it is given up (until it fails again)
     * @param answerWait            how long a relay session stays open for the answers to its rendezvous
     * @param expectWindow          how long a SYN from a peer we were told to meet is accepted
     * @param maxExpected           addresses expected at once
     * @param unsolicitedPerSession connects one session may hand us for endpoints we did not ask about
     */
    public record Limits(Duration candidateTtl, int maxTorrents, int maxPerTorrent, int rendezvousPerSession, int maxAsks,
                         Duration answerWait, Duration expectWindow, int maxExpected, int unsolicitedPerSession) {
        public static final Limits DEFAULT = new Limits(Duration.ofMinutes(10), 1024, 64, 4, 3, Duration.ofSeconds(3),
                Duration.ofSeconds(15), 256, 2);

        public Limits {
            if (maxTorrents < 1 || maxPerTorrent < 1 || rendezvousPerSession < 1 || maxAsks < 1 || maxExpected < 1
                    || unsolicitedPerSession < 0) {
                throw new IllegalArgumentException("holepunch ceilings must be >= 1");
            }
        }
    }

    /** What happened, for metrics. */
    public enum Event {
        /** a direct contact failed to connect: the peer became a candidate */
        CANDIDATE_ADDED,
        /** a candidate dropped for room (per-torrent or torrent ceiling) */
        CANDIDATE_DROPPED,
        /** a candidate that no relay session came for in time */
        CANDIDATE_EXPIRED,
        RENDEZVOUS_SENT,
        /** a relay's connect for an endpoint this session asked about */
        CONNECT_SOLICITED,
        /** a connect for an endpoint we did not ask about: someone asked the relay for us (we are the target) */
        CONNECT_UNSOLICITED,
        /** a connect not acted on (too many from one session, expectation table full) */
        CONNECT_DROPPED,
        /** a SYN that an expectation let in */
        SYN_ACCEPTED,
        /** an expectation that no SYN came for */
        EXPECTATION_EXPIRED,
        ERROR_NO_SUCH_PEER, ERROR_NOT_CONNECTED, ERROR_NO_SUPPORT, ERROR_NO_SELF, ERROR_UNKNOWN,
        /** a peer asked btda to relay: answered NotConnected (btda relays nothing) */
        RENDEZVOUS_REFUSED,
        /** a ut_holepunch payload that is not a BEP 55 message */
        MALFORMED
    }

    private final Limits limits;
    private final LongSupplier nanos;
    private final Map<Event, LongAdder> counts = new EnumMap<>(Event.class);
    /** info hash hex → endpoint → candidate; both in access order for LRU eviction */
    private final LinkedHashMap<String, LinkedHashMap<InetSocketAddress, Candidate>> candidates =
            new LinkedHashMap<>(16, 0.75f, true);
    /** Candidates handed to relays and not yet answered, so that an error can put them back with their count. */
    private final LinkedHashMap<InetSocketAddress, Candidate> asked = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Candidate> eldest) {
            return size() > limits.maxTorrents() * limits.rendezvousPerSession();
        }
    };

    /** address → when it stops being expected and the endpoint we asked about (null: a connect we did not ask for) */
    private final LinkedHashMap<InetAddress, Expected> expected = new LinkedHashMap<>();

    private record Expected(long deadline, InetSocketAddress asked) {
    }

    private static final class Candidate {
        final long expiresAt;
        int asks;

        Candidate(long expiresAt) {
            this.expiresAt = expiresAt;
        }
    }

    public Holepunch(Limits limits) {
        this(limits, System::nanoTime);
    }

    Holepunch(Limits limits, LongSupplier nanos) {
        this.limits = limits;
        this.nanos = nanos;
        for (Event e : Event.values()) counts.put(e, new LongAdder());
    }

    public Limits limits() {
        return limits;
    }

    public long count(Event e) {
        return counts.get(e).sum();
    }

    void count(Event e, int n) {
        counts.get(e).add(n);
    }

    /** A direct contact of {@code endpoint} for this torrent never connected: ask the next relay about it. */
    public synchronized void unreachable(String infoHashHex, InetSocketAddress endpoint) {
        if (endpoint.isUnresolved() || endpoint.getPort() == 0) return;
        long now = nanos.getAsLong();
        LinkedHashMap<InetSocketAddress, Candidate> forTorrent = candidates.get(infoHashHex);
        if (forTorrent == null) {
            if (candidates.size() >= limits.maxTorrents()) {
                Iterator<Map.Entry<String, LinkedHashMap<InetSocketAddress, Candidate>>> eldest = candidates.entrySet().iterator();
                count(Event.CANDIDATE_DROPPED, eldest.next().getValue().size());
                eldest.remove();
            }
            forTorrent = new LinkedHashMap<>();
            candidates.put(infoHashHex, forTorrent);
        }
        forTorrent.remove(endpoint); // a fresh failure renews the candidate and its asks
        if (forTorrent.size() >= limits.maxPerTorrent()) {
            Iterator<InetSocketAddress> oldest = forTorrent.keySet().iterator();
            oldest.next();
            oldest.remove();
            count(Event.CANDIDATE_DROPPED, 1);
        }
        forTorrent.put(endpoint, new Candidate(now + limits.candidateTtl().toNanos()));
        count(Event.CANDIDATE_ADDED, 1);
    }

    /** Whether some candidate of this torrent waits for a relay (a contact may then prefer uTP to become one). */
    public synchronized boolean wantsRelay(String infoHashHex) {
        LinkedHashMap<InetSocketAddress, Candidate> forTorrent = candidates.get(infoHashHex);
        if (forTorrent == null) return false;
        expire(infoHashHex, forTorrent, nanos.getAsLong());
        return !forTorrent.isEmpty();
    }

    /**
     * The candidates a relay session asks about (at most {@link Limits#rendezvousPerSession}), never the relay's own
     * endpoint (BEP 55 NoSelf). They leave the table; {@link #answered} puts one back when another relay may do better.
     */
    public synchronized List<InetSocketAddress> forRelay(String infoHashHex, InetSocketAddress relay) {
        LinkedHashMap<InetSocketAddress, Candidate> forTorrent = candidates.get(infoHashHex);
        if (forTorrent == null) return List.of();
        long now = nanos.getAsLong();
        expire(infoHashHex, forTorrent, now);
        List<InetSocketAddress> out = new ArrayList<>();
        for (Iterator<Map.Entry<InetSocketAddress, Candidate>> it = forTorrent.entrySet().iterator();
             it.hasNext() && out.size() < limits.rendezvousPerSession(); ) {
            Map.Entry<InetSocketAddress, Candidate> e = it.next();
            if (e.getKey().equals(relay)) continue; // another port at the relay's address may be a neighbour behind its NAT
            out.add(e.getKey());
            asked.put(e.getKey(), e.getValue());
            it.remove();
        }
        if (forTorrent.isEmpty()) candidates.remove(infoHashHex);
        count(Event.RENDEZVOUS_SENT, out.size());
        return out;
    }

    /**
     * A relay's error about {@code target}: counted by code. Unless the endpoint was invalid (NoSuchPeer), the
     * candidate returns while it has asks left: another relay may be connected to it, and NoSupport can be a moment's
     * state (libtorrent answers it while the target's extended handshake has not arrived yet).
     */
    public synchronized void answered(String infoHashHex, InetSocketAddress target, HolepunchMessage.ErrorCode code) {
        count(switch (code) {
            case NO_SUCH_PEER -> Event.ERROR_NO_SUCH_PEER;
            case NOT_CONNECTED -> Event.ERROR_NOT_CONNECTED;
            case NO_SUPPORT -> Event.ERROR_NO_SUPPORT;
            case NO_SELF -> Event.ERROR_NO_SELF;
            default -> Event.ERROR_UNKNOWN;
        }, 1);
        Candidate c = asked.remove(target);
        if (c == null || code == HolepunchMessage.ErrorCode.NO_SUCH_PEER) {
            return;
        }
        c.asks++;
        if (c.asks >= limits.maxAsks() || c.expiresAt - nanos.getAsLong() <= 0) return;
        LinkedHashMap<InetSocketAddress, Candidate> forTorrent = candidates.computeIfAbsent(infoHashHex, k -> new LinkedHashMap<>());
        if (forTorrent.size() < limits.maxPerTorrent()) forTorrent.putIfAbsent(target, c);
    }

    /**
     * A relay told us to meet {@code peer}: its uTP SYN is let in for {@link Limits#expectWindow} (by address: a NAT
     * may map the peer's new flow to another port). False when the table is full (counted).
     */
    public synchronized boolean expect(InetSocketAddress peer, boolean solicited) {
        count(solicited ? Event.CONNECT_SOLICITED : Event.CONNECT_UNSOLICITED, 1);
        long now = nanos.getAsLong();
        expireExpected(now);
        InetAddress a = peer.getAddress();
        if (!expected.containsKey(a) && expected.size() >= limits.maxExpected()) {
            count(Event.CONNECT_DROPPED, 1);
            return false;
        }
        expected.remove(a);
        expected.put(a, new Expected(now + limits.expectWindow().toNanos(), solicited ? peer : null));
        return true;
    }

    /**
     * The uTP socket asks about a SYN from {@code from}: the introduction (once) when a relay announced that address
     * within the window, so one introduction opens at most one accepted connection; null otherwise.
     */
    public synchronized Introduction takeExpected(InetSocketAddress from) {
        expireExpected(nanos.getAsLong());
        Expected e = expected.remove(from.getAddress());
        if (e == null) return null;
        count(Event.SYN_ACCEPTED, 1);
        return new Introduction(e.asked() != null ? e.asked() : from, e.asked() != null);
    }

    /**
     * A connection a relay set up.
     *
     * @param endpoint  the endpoint we asked the relay about (the one our direct contacts failed at, so the peer's
     *                  identity), or for a connect we did not ask for, the address and port it dialled us from (uTP
     *                  clients dial from their listen socket)
     * @param solicited whether we asked for it
     */
    public record Introduction(InetSocketAddress endpoint, boolean solicited) {
    }

    /** Addresses expected now (tests, metrics). */
    public synchronized int expectedCount() {
        expireExpected(nanos.getAsLong());
        return expected.size();
    }

    /** Candidates waiting now, over all torrents (tests, metrics). */
    public synchronized int candidateCount() {
        long now = nanos.getAsLong();
        int n = 0;
        for (Iterator<Map.Entry<String, LinkedHashMap<InetSocketAddress, Candidate>>> it = candidates.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, LinkedHashMap<InetSocketAddress, Candidate>> e = it.next();
            expireIn(e.getValue(), now);
            if (e.getValue().isEmpty()) it.remove();
            else n += e.getValue().size();
        }
        return n;
    }

    private void expire(String infoHashHex, LinkedHashMap<InetSocketAddress, Candidate> forTorrent, long now) {
        expireIn(forTorrent, now);
        if (forTorrent.isEmpty()) candidates.remove(infoHashHex);
    }

    private void expireIn(LinkedHashMap<InetSocketAddress, Candidate> forTorrent, long now) {
        for (Iterator<Candidate> it = forTorrent.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAt - now <= 0) {
                it.remove();
                count(Event.CANDIDATE_EXPIRED, 1);
            }
        }
    }

    private void expireExpected(long now) {
        for (Iterator<Expected> it = expected.values().iterator(); it.hasNext(); ) {
            if (it.next().deadline() - now <= 0) {
                it.remove();
                count(Event.EXPECTATION_EXPIRED, 1);
            }
        }
    }
}
