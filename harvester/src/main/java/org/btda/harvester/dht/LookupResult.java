package org.btda.harvester.dht;

import java.net.InetSocketAddress;
import java.util.List;
import org.btda.protocol.dht.NodeInfo;
import org.btda.protocol.metainfo.InfoHash;

/**
 * Outcome of one iterative get_peers lookup.
 *
 * @param infoHash       the torrent
 * @param peers          distinct peers from every responding node's {@code values}, in arrival order
 * @param nodesQueried   get_peers queries sent
 * @param nodesResponded nodes that answered
 * @param closest        the closest responding nodes with the token each gave us (used for announce_peer)
 */
public record LookupResult(InfoHash infoHash, List<InetSocketAddress> peers, int nodesQueried, int nodesResponded,
        List<TokenHolder> closest) {
    public LookupResult {
        peers = List.copyOf(peers);
        closest = List.copyOf(closest);
    }

    /** A node that answered get_peers, with its token (null if it sent none). */
    public record TokenHolder(NodeInfo node, byte[] token) {
    }
}
