package org.btda.protocol.dht;

import java.net.InetSocketAddress;

/** A DHT contact: id plus UDP endpoint (IPv4: BEP 5 compact node info; IPv6: BEP 32). */
public record NodeInfo(NodeId id, InetSocketAddress address) {
    public NodeInfo {
        if (id == null || address == null) {
            throw new IllegalArgumentException("node id and address required");
        }
    }
}
