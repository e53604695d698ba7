package org.btda.evaluator.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.btda.common.net.Networks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A DNS server that reads every query and never answers (a UDP socket on 127.0.0.1 that drops what it reads): the
 * evaluator's thread must not wait for it, and lookups must end after {@code dns.timeout}. Nothing here depends on how
 * fast the machine is: that a call did not wait is shown by the server never answering, not by a stopwatch.
 */
class UnresponsiveDnsTest {
    private static final int ADDRESSES = 200;

    private DatagramSocket blackHole;
    private Thread reader;
    private final AtomicInteger received = new AtomicInteger();
    private EventLoopGroup group;

    @BeforeEach
    void start() throws SocketException {
        blackHole = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            while (!blackHole.isClosed()) {
                try {
                    blackHole.receive(new DatagramPacket(buf, buf.length));
                    received.incrementAndGet();
                } catch (java.io.IOException e) {
                    return; // closed
                }
            }
        }, "dns-black-hole");
        reader.setDaemon(true);
        reader.start();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws Exception {
        blackHole.close();
        reader.join(5000);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private ReverseDnsEnricher enricher(Duration timeout) {
        return new ReverseDnsEnricher(group.next(), (InetSocketAddress) blackHole.getLocalSocketAddress(), timeout, 10_000);
    }

    private static InetAddress address(int i) {
        return Networks.parseLiteral("198.51.100." + (i + 1));
    }

    /**
     * With a deadline an hour away and a server that never answers, a lookup cannot end during this test: a call that
     * waited for its answer (or its deadline) would never return, and the JUnit timeout, far above what 200 calls
     * need on any machine, would fail the test. For the same reason the in-flight count cannot change once all
     * queries are out, so reading it is not a race.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void callerNeverWaitsForAnUnansweredLookup() throws Exception {
        try (ReverseDnsEnricher r = enricher(Duration.ofHours(1))) {
            for (int i = 0; i < ADDRESSES; i++) {
                assertThat(r.domainIfKnown(address(i))).isEmpty();
            }
            // every call returned while its lookup was outstanding: nothing has answered, nothing has failed
            for (int i = 0; i < ADDRESSES; i++) {
                assertThat(r.domain(address(i))).isNotDone();
            }
            awaitTrue(() -> received.get() >= ADDRESSES, "every query reached the server");
            ReverseDnsEnricher.Stats stats = r.stats();
            assertThat(received.get()).as("one query per address").isEqualTo(ADDRESSES);
            assertThat(stats.queries()).isEqualTo(ADDRESSES);
            assertThat(stats.inFlight()).isEqualTo(ADDRESSES);
            assertThat(stats.answered()).isZero();
            assertThat(stats.failed()).isZero();
            // asking again while the lookup runs joins it: no second query
            assertThat(r.domainIfKnown(address(0))).isEmpty();
            assertThat(r.stats().queries()).isEqualTo(ADDRESSES);
        }
    }

    @Test
    void unansweredLookupsFailWithATimeoutThatIsRemembered() throws Exception {
        Duration timeout = Duration.ofMillis(500);
        try (ReverseDnsEnricher r = enricher(timeout)) {
            long started = System.nanoTime();
            CompletableFuture<Optional<String>> first = r.domain(address(0));
            for (int i = 1; i < ADDRESSES; i++) {
                assertThat(r.domainIfKnown(address(i))).isEmpty();
            }
            // generous bound: on a busy machine the deadline fires late, never early
            assertThat(first).failsWithin(Duration.ofSeconds(60))
                    .withThrowableOfType(ExecutionException.class).withRootCauseInstanceOf(TimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not before dns.timeout").isGreaterThanOrEqualTo(timeout);

            // every lookup ends (the counter moves last, after the cache and the in-flight map are updated)
            awaitTrue(() -> r.stats().failed() == ADDRESSES, "every lookup failed");
            awaitTrue(() -> received.get() >= ADDRESSES, "every query reached the server");
            assertThat(received.get()).as("one query per address").isEqualTo(ADDRESSES);
            assertThat(r.stats().inFlight()).isZero();
            assertThat(r.stats().answered()).isZero();

            // The failure is remembered for a while: no new query, immediate answer.
            long queries = r.stats().queries();
            assertThat(queries).isEqualTo(ADDRESSES);
            assertThat(r.domainIfKnown(address(0))).isEmpty();
            assertThat(r.domain(address(0))).isCompletedWithValue(Optional.empty());
            assertThat(r.stats().queries()).isEqualTo(queries);
        }
    }

    /** Waits for a condition, bounded (a missed condition fails; the bound is not what the test measures). */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting: " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
