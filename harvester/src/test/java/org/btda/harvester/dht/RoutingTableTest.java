package org.btda.harvester.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import org.btda.protocol.dht.NodeId;
import org.btda.protocol.dht.NodeInfo;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    private final Random random = new Random(42);
    private int port = 10_000;

    private NodeInfo node(NodeId id) {
        return new NodeInfo(id, new InetSocketAddress("127.0.0.1", port++));
    }

    @Test
    void farBucketHoldsAtMostKAndCachesTheRest() {
        NodeId self = NodeId.random(random);
        RoutingTable t = new RoutingTable(self, 0);
        // all share 0 bits with self: they all fall in bucket 0, which must not grow beyond K once split off
        for (int i = 0; i < 30; i++) {
            t.seen(node(self.randomWithPrefix(0, true, random)), i);
        }
        // plus some close nodes, forcing splits
        for (int i = 0; i < 30; i++) {
            t.seen(node(self.randomWithPrefix(1 + random.nextInt(20), true, random)), i);
        }
        assertThat(t.bucketCount()).isGreaterThan(1);
        long far = t.nodes().stream().filter(n -> self.commonPrefixLength(n.id()) == 0).count();
        assertThat(far).isEqualTo(RoutingTable.K);
        assertThat(t.replacementCount()).isPositive();
    }

    @Test
    void splitsOnlyTheBucketContainingOwnId() {
        NodeId self = NodeId.random(random);
        RoutingTable t = new RoutingTable(self, 0);
        for (int i = 0; i < 9; i++) {
            t.seen(node(self.randomWithPrefix(0, true, random)), i);
        }
        // 9 far nodes: bucket split once (own half empty), far bucket holds 8
        assertThat(t.bucketCount()).isEqualTo(2);
        assertThat(t.size()).isEqualTo(RoutingTable.K);
        for (int prefix = 1; prefix <= 5; prefix++) {
            t.seen(node(self.randomWithPrefix(prefix, true, random)), 100);
        }
        assertThat(t.size()).isEqualTo(RoutingTable.K + 5);
    }

    @Test
    void badNodeIsReplacedFromCache() {
        NodeId self = NodeId.random(random);
        RoutingTable t = new RoutingTable(self, 0);
        for (int i = 0; i < 9; i++) {
            t.seen(node(self.randomWithPrefix(0, true, random)), i);
        }
        t.seen(node(self.randomWithPrefix(3, true, random)), 10); // close node: keeps the own-half bucket non-empty
        NodeInfo cached = node(self.randomWithPrefix(0, true, random));
        assertThat(t.seen(cached, 11)).isFalse();
        NodeInfo victim = t.nodes().stream().filter(n -> self.commonPrefixLength(n.id()) == 0).findFirst().orElseThrow();
        t.failed(victim.id());
        assertThat(t.contains(victim.id())).isTrue(); // one failure is not enough
        t.failed(victim.id());
        assertThat(t.contains(victim.id())).isFalse();
        assertThat(t.contains(cached.id())).isTrue();
    }

    @Test
    void knownIdAtNewAddressIsNotMoved() {
        NodeId self = NodeId.random(random);
        RoutingTable t = new RoutingTable(self, 0);
        NodeInfo n = node(NodeId.random(random));
        t.seen(n, 0);
        assertThat(t.seen(new NodeInfo(n.id(), new InetSocketAddress("127.9.9.9", 1)), 1)).isFalse();
        assertThat(t.addressOf(n.id())).isEqualTo(n.address());
        assertThat(t.seen(new NodeInfo(self, new InetSocketAddress("127.0.0.2", 2)), 1)).isFalse();
    }

    @Test
    void closestIsSortedByXorDistance() {
        NodeId self = NodeId.random(random);
        RoutingTable t = new RoutingTable(self, 0);
        for (int i = 0; i < 200; i++) {
            t.seen(node(NodeId.random(random)), i);
        }
        NodeId target = NodeId.random(random);
        List<NodeInfo> closest = t.closest(target, 8);
        assertThat(closest).hasSize(8);
        for (int i = 1; i < closest.size(); i++) {
            assertThat(target.compareDistance(closest.get(i - 1).id(), closest.get(i).id())).isNegative();
        }
        // nothing in the table is closer than the 8th returned
        for (NodeInfo n : t.nodes()) {
            if (!closest.contains(n)) {
                assertThat(target.compareDistance(n.id(), closest.get(7).id())).isPositive();
            }
        }
    }

    @Test
    void staleBucketsYieldRefreshTargetsInRange() {
        NodeId self = NodeId.random(random);
        RoutingTable t = new RoutingTable(self, 0);
        for (int i = 0; i < 40; i++) {
            t.seen(node(NodeId.random(random)), 0);
        }
        assertThat(t.refreshTargets(RoutingTable.STALE_AFTER_MILLIS - 1, random)).isEmpty();
        List<NodeId> targets = t.refreshTargets(RoutingTable.STALE_AFTER_MILLIS, random);
        assertThat(targets).hasSize(t.bucketCount());
        for (int i = 0; i < targets.size() - 1; i++) {
            assertThat(self.commonPrefixLength(targets.get(i))).isEqualTo(i);
        }
        assertThat(t.refreshTargets(RoutingTable.STALE_AFTER_MILLIS + 1, random)).isEmpty(); // refreshed now
    }
}
