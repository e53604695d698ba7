package org.btda.harvester;

import org.apache.avro.specific.SpecificRecord;

/** Where events go: Kafka in production. */
@FunctionalInterface
public interface RecordSink {
    void send(String topic, String key, SpecificRecord value);
}
