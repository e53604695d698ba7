package org.btda.common.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * Drops peers we must not publish: ourselves (our listen port on any local address; trackers and PEX echo us back) and
 * do-not-contact networks. One rule for every source of peers (harvester and evaluator alike).
 */
public final class PeerFilter {
    public enum Verdict { ACCEPT, SELF, DO_NOT_CONTACT }

    private final int listenPort;
    private final Set<InetAddress> localAddresses;
    private final CidrSet doNotContact;

    public PeerFilter(int listenPort, Set<InetAddress> localAddresses, CidrSet doNotContact) {
        this.listenPort = listenPort;
        this.localAddresses = Set.copyOf(localAddresses);
        this.doNotContact = doNotContact;
    }

    /** Every address of every local interface, read once at start. */
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

    public Verdict check(InetSocketAddress peer) {
        InetAddress a = peer.getAddress();
        if (peer.getPort() == listenPort && (a.isLoopbackAddress() || a.isAnyLocalAddress() || localAddresses.contains(a))) {
            return Verdict.SELF;
        }
        if (doNotContact.contains(a)) {
            return Verdict.DO_NOT_CONTACT;
        }
        return Verdict.ACCEPT;
    }
}
