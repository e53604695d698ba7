package org.btda.common.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Drops peers we must not publish or contact: ourselves (our listen port on any local address; trackers, the DHT and
 * PEX echo us back) and do-not-contact networks. One rule for every source of peers (harvester and evaluator alike).
 */
public final class PeerFilter {
    public enum Verdict { ACCEPT, SELF, DO_NOT_CONTACT }

    /** How long a reading of the local interfaces is trusted: addresses can be added while btda runs. */
    public static final Duration LOCAL_ADDRESSES_REFRESH = Duration.ofSeconds(10);

    private final int listenPort;
    /** another port of ours (the uTP socket's, which BEP 10 p announces for holepunch), 0 = none */
    private final int otherPort;
    private final Supplier<Set<InetAddress>> localAddresses;
    private final CidrSet doNotContact;

    public PeerFilter(int listenPort, Set<InetAddress> localAddresses, CidrSet doNotContact) {
        this(listenPort, fixed(localAddresses), doNotContact);
    }

    /** @param localAddresses the machine's addresses now (e.g. {@link #liveLocalAddresses()}) */
    public PeerFilter(int listenPort, Supplier<Set<InetAddress>> localAddresses, CidrSet doNotContact) {
        this(listenPort, 0, localAddresses, doNotContact);
    }

    private PeerFilter(int listenPort, int otherPort, Supplier<Set<InetAddress>> localAddresses, CidrSet doNotContact) {
        this.listenPort = listenPort;
        this.otherPort = otherPort;
        this.localAddresses = localAddresses;
        this.doNotContact = doNotContact;
    }

    private static Supplier<Set<InetAddress>> fixed(Set<InetAddress> addresses) {
        Set<InetAddress> copy = Set.copyOf(addresses);
        return () -> copy;
    }

    /** Every address of every local interface, read once now. */
    public static Set<InetAddress> localAddresses() {
        Set<InetAddress> out = new HashSet<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(Collections.list(ni.getInetAddresses()));
            }
        } catch (SocketException e) {
            // Loopback and wildcard are still recognised below.
        }
        return out;
    }

    /** The local addresses, read again when the last reading is older than {@link #LOCAL_ADDRESSES_REFRESH}. */
    public static Supplier<Set<InetAddress>> liveLocalAddresses() {
        return new Supplier<>() {
            private volatile Set<InetAddress> last = Set.copyOf(localAddresses());
            private volatile long readAt = System.nanoTime();

            @Override
            public Set<InetAddress> get() {
                if (System.nanoTime() - readAt > LOCAL_ADDRESSES_REFRESH.toNanos()) {
                    last = Set.copyOf(localAddresses());
                    readAt = System.nanoTime();
                }
                return last;
            }
        };
    }

    /**
     * The same filter, also treating {@code port} at our addresses as ourselves: peers pass on the BEP 10 {@code p} we
     * send, and with holepunch on that is our uTP socket's port even when it is not the listen port.
     */
    public PeerFilter alsoOurs(int port) {
        return new PeerFilter(listenPort, port, localAddresses, doNotContact);
    }

    /** The listen port this filter treats as ours. */
    public int listenPort() {
        return listenPort;
    }

    public Verdict check(InetSocketAddress peer) {
        InetAddress a = peer.getAddress();
        if (isSelf(peer)) {
            return Verdict.SELF;
        }
        if (a != null && doNotContact.contains(a)) {
            return Verdict.DO_NOT_CONTACT;
        }
        return Verdict.ACCEPT;
    }

    /** Our own listen endpoint: the listen port at a loopback, wildcard or local address. */
    public boolean isSelf(InetSocketAddress peer) {
        InetAddress a = peer.getAddress();
        int port = peer.getPort();
        return a != null && port > 0 && (port == listenPort || port == otherPort)
                && (a.isLoopbackAddress() || a.isAnyLocalAddress() || localAddresses.get().contains(a));
    }
}
