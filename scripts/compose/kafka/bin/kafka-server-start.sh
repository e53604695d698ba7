#!/bin/sh
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$@"
