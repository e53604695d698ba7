#!/bin/sh
# Runs one Kafka class with the jars under /opt/kafka/libs (the stand-in's counterpart of Kafka's script of that name).
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_OPTS:-} -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties \
  -cp '/opt/kafka/libs/*' "$@"
