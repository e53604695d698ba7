package org.btda.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.btda.common.config.Settings;
import org.btda.common.testing.TestKafka;
import org.btda.common.testing.TestTopics;
import org.btda.sink.clickhouse.LocalClickHouse;
import org.junit.jupiter.api.Test;

/** The sink's start against a ClickHouse that is not up yet: it waits, bounded by startup.wait, and says so. */
class ClickHouseSinkServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void waitsForAClickHouseThatStartsLateThenMigratesAndRuns() throws Exception {
        Settings settings = TestTopics.isolatedSettings(TestKafka.shared());
        LocalClickHouse late = LocalClickHouse.create();     // ports chosen, nothing listening yet
        ClickHouseSinkService service = new ClickHouseSinkService(late.sinkConfig(settings).withStartupWait(WAIT));
        try {
            CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
                try {
                    service.start();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (service.failedAttempts() == 0 && !started.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(20); // polling the condition, bounded
            }
            assertThat(service.failedAttempts()).as("a first attempt failed: ClickHouse is not up").isPositive();
            assertThat(service.health().ready()).isFalse();
            assertThat(service.health().reason()).startsWith("waiting for ClickHouse at " + late.jdbcUrl());

            late.start();
            started.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            try (Connection c = late.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count() FROM btda.schema_migrations")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("migrations applied once ClickHouse answered").isPositive();
            }
            long readyBy = System.nanoTime() + WAIT.toNanos();
            while (!service.health().ready() && System.nanoTime() < readyBy) {
                Thread.sleep(20); // polling the condition, bounded
            }
            assertThat(service.health().ready()).as(service.health().reason()).isTrue();
        } finally {
            service.close();
            late.destroy();
        }
    }

    @Test
    void givesUpAfterStartupWaitNamingTheServerAndTheBound() throws Exception {
        Settings settings = TestTopics.isolatedSettings(TestKafka.shared());
        LocalClickHouse never = LocalClickHouse.create();    // never started
        ClickHouseSinkService service = new ClickHouseSinkService(never.sinkConfig(settings).withStartupWait(Duration.ofSeconds(1)));
        try {
            assertThatThrownBy(service::start).isInstanceOf(SQLException.class)
                    .hasMessageContaining("ClickHouse at " + never.jdbcUrl() + " did not answer within startup.wait PT1S");
            assertThat(service.failedAttempts()).isGreaterThan(1);
            assertThat(service.sink()).isNull();
        } finally {
            service.close();
            never.destroy();
        }
    }
}
