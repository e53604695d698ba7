package org.btda.evaluator;

import java.util.List;

import org.btda.common.kafka.TopicContributor;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.Topics;

/** The evaluator's own topic: {@code btda.evaluator.stats} (EvaluatorStatsRecord keyed by instance id, 7 days). */
public final class EvaluatorTopics implements TopicContributor {

    public static String stats(Topics topics) {
        return topics.evaluatorStats();
    }

    @Override
    public List<TopicSpec> topics(Topics topics) {
        return List.of(topics.spec(stats(topics), Topics.EVENT_RETENTION));
    }
}
