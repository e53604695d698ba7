package org.btda.sink;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;

/**
 * What the ClickHouse sink and its migrations need, read once from the deployment settings at the edge (the launcher,
 * a test) so nothing below parses a setting. No defaults of its own: every value comes from {@link Settings}.
 *
 * @param bootstrapServers          Kafka bootstrap servers ({@code kafka.bootstrap-servers})
 * @param jdbcUrl                   {@code jdbc:clickhouse://host:port/database} or {@code http[s]://...} ({@code clickhouse.url})
 * @param user                      {@code clickhouse.user}
 * @param password                  {@code clickhouse.password}
 * @param database                  the database when the URL names none ({@code clickhouse.database})
 * @param topics                    the topic names the sink reads (with {@code kafka.topic-prefix})
 * @param batchSize                 rows of one table after which a batch is inserted ({@code clickhouse.batch-size})
 * @param flushInterval             longest time a row waits before its batch is inserted ({@code clickhouse.flush-interval})
 * @param observationsRetentionDays TTL of observation rows, a migration parameter ({@code observations.retention-days})
 * @param startupWait               how long {@link ClickHouseSinkService#start()} waits for ClickHouse ({@code startup.wait})
 */
public record SinkConfig(String bootstrapServers, String jdbcUrl, String user, String password, String database, Topics topics,
                         int batchSize, Duration flushInterval, int observationsRetentionDays, Duration startupWait) {

    public SinkConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (batchSize < 1) throw new IllegalArgumentException("clickhouse.batch-size must be >= 1");
        if (flushInterval.isNegative()) throw new IllegalArgumentException("clickhouse.flush-interval must be >= 0");
        if (observationsRetentionDays < 1) throw new IllegalArgumentException("observations.retention-days must be >= 1");
        Objects.requireNonNull(startupWait, "startupWait");
    }

    /** Reads the documented keys; {@code kafka.bootstrap-servers} and {@code clickhouse.url} already point at the running services. */
    public static SinkConfig from(Settings s) {
        return new SinkConfig(s.get(Settings.KAFKA_BOOTSTRAP_SERVERS), s.get(Settings.CLICKHOUSE_URL), s.get(Settings.CLICKHOUSE_USER),
                s.get(Settings.CLICKHOUSE_PASSWORD), s.get(Settings.CLICKHOUSE_DATABASE), new Topics(KafkaConfig.from(s)),
                s.get(Settings.CLICKHOUSE_BATCH_SIZE), s.get(Settings.CLICKHOUSE_FLUSH_INTERVAL), s.get(Settings.OBSERVATIONS_RETENTION_DAYS),
                s.get(Settings.STARTUP_WAIT));
    }

    /** The same with another ClickHouse server (tests, benchmarks: a local server on its own port). */
    public SinkConfig withClickHouse(String jdbcUrl, String user, String password) {
        return new SinkConfig(bootstrapServers, jdbcUrl, user, password, database, topics, batchSize, flushInterval, observationsRetentionDays, startupWait);
    }

    /** The same with another Kafka cluster. */
    public SinkConfig withBootstrapServers(String servers) {
        return new SinkConfig(servers, jdbcUrl, user, password, database, topics, batchSize, flushInterval, observationsRetentionDays, startupWait);
    }

    /** The same with another bound on the wait for ClickHouse at start. */
    public SinkConfig withStartupWait(Duration wait) {
        return new SinkConfig(bootstrapServers, jdbcUrl, user, password, database, topics, batchSize, flushInterval, observationsRetentionDays, wait);
    }

    /** Values for the {@code ${name}} placeholders of sql/migrations. */
    public Map<String, String> migrationParams() {
        return Map.of("observations_retention_days", Integer.toString(observationsRetentionDays));
    }
}
