package org.btda.streams;

import java.util.List;
import org.btda.common.kafka.TopicContributor;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.Topics;

/**
 * The stream processor's output topics for the sink, added to {@link Topics#all()} through the service loader
 * (META-INF/services/org.btda.common.kafka.TopicContributor) so the launcher creates them with the core ones.
 */
public final class StreamTopics implements TopicContributor {
    /** PeerSummary rows, one new version per change of a peer's state: {@code btda.out.peers}. */
    public static String outPeers(Topics topics) {
        return topics.outPeers();
    }

    /** Discovery rows with is_new, for the hourly new-vs-duplicate view: {@code btda.out.discoveries}. */
    public static String outDiscoveries(Topics topics) {
        return topics.outDiscoveries();
    }

    @Override
    public List<TopicSpec> topics(Topics topics) {
        return List.of(topics.spec(outPeers(topics), Topics.EVENT_RETENTION),
                topics.spec(outDiscoveries(topics), Topics.EVENT_RETENTION));
    }
}
