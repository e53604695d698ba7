package org.btda.common.kafka;

import java.util.List;

/**
 * Lets a module add its own topics (the stream-processor's {@code btda.out.*}) to {@link Topics#all()} without
 * editing common: implement this and list the class in
 * {@code META-INF/services/org.btda.common.kafka.TopicContributor}.
 */
public interface TopicContributor {
    List<TopicSpec> topics(Topics topics);
}
