package org.btda.evaluator;

import java.util.Collection;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partitions moving between instances (consumer thread, inside poll): commits what is done of the revoked ones, hands
 * their not yet dialled requests to the new owner and stops tracking them; sessions in flight still publish.
 */
final class RebalanceHandler implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(RebalanceHandler.class);

    private final OffsetCommitter committer;
    private final OffsetTracker tracker;
    private final WaitingRequests waiting;
    private final String instanceId;

    RebalanceHandler(OffsetCommitter committer, OffsetTracker tracker, WaitingRequests waiting, String instanceId) {
        this.committer = committer;
        this.tracker = tracker;
        this.waiting = waiting;
        this.instanceId = instanceId;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        committer.commitRevoked(partitions);
        // requests of these partitions not yet dialled are the new owner's; in-flight ones still publish
        waiting.drop(partitions);
        tracker.forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        log.info("evaluator {} assigned {}", instanceId, partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        waiting.drop(partitions);
        tracker.forget(partitions);
    }
}
