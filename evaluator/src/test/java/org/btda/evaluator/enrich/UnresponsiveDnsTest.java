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
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.btda.common.net.Networks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A DNS server that reads every query and never answers (a UDP socket on 127.0.0.1 that drops what it reads): the
 * evaluator's thread must not wait for it, and lookups must end after {@code dns.timeout}.
 */
class UnresponsiveDnsTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);
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

    @Test
    void callerNeverWaitsAndLookupsTimeOut() throws Exception {
        try (ReverseDnsEnricher r = new ReverseDnsEnricher(group.next(), (InetSocketAddress) blackHole.getLocalSocketAddress(), TIMEOUT, 10_000)) {
            InetAddress first = Networks.parseLiteral("198.51.100.1");
            long[] nanos = new long[ADDRESSES];
            long startAll = System.nanoTime();
            Optional<String> firstAnswer = r.domainIfKnown(first);
            nanos[0] = System.nanoTime() - startAll;
            // Returned while its lookup is still outstanding: it did not wait for the server.
            CompletableFuture<Optional<String>> pending = r.domain(first);
            assertThat(pending).isNotDone();
            assertThat(firstAnswer).isEmpty();
            for (int i = 1; i < ADDRESSES; i++) {
                InetAddress a = Networks.parseLiteral("198.51.100." + (i + 1));
                long t0 = System.nanoTime();
                assertThat(r.domainIfKnown(a)).isEmpty();
                nanos[i] = System.nanoTime() - t0;
            }
            long allNanos = System.nanoTime() - startAll;
            // Together, all calls took less than ONE unanswered query lasts; blocking calls would take 200 times that.
            assertThat(Duration.ofNanos(allNanos)).isLessThan(TIMEOUT);
            assertThat(r.stats().inFlight()).isEqualTo(ADDRESSES);
            long firstCall = nanos[0];
            Arrays.sort(nanos);
            System.out.printf("domainIfKnown against a silent DNS server: first call %.1f us, median %.1f us,"
                    + " p90 %.1f us, max %.1f us over %d calls%n", firstCall / 1e3, nanos[ADDRESSES / 2] / 1e3,
                    nanos[ADDRESSES * 9 / 10] / 1e3, nanos[ADDRESSES - 1] / 1e3, ADDRESSES);

            long waitStart = System.nanoTime();
            assertThat(pending).failsWithin(TIMEOUT.plusSeconds(5))
                    .withThrowableOfType(ExecutionException.class).withRootCauseInstanceOf(TimeoutException.class);
            Duration total = Duration.ofNanos(System.nanoTime() - startAll);
            Duration waited = Duration.ofNanos(System.nanoTime() - waitStart);
            System.out.printf("lookup failed after %d ms (dns.timeout %d ms)%n", total.toMillis(), TIMEOUT.toMillis());
            assertThat(total).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100));
            assertThat(waited).isLessThan(TIMEOUT.plusSeconds(3));

            // The queries really went to the server (and only once each).
            awaitQuiet(r);
            assertThat(received.get()).isEqualTo(ADDRESSES);
            assertThat(r.stats().failed()).isEqualTo(ADDRESSES);
            assertThat(r.stats().inFlight()).isZero();

            // The failure is remembered for a while: no new query, immediate answer.
            long queries = r.stats().queries();
            assertThat(r.domainIfKnown(first)).isEmpty();
            assertThat(r.domain(first)).isCompletedWithValue(Optional.empty());
            assertThat(r.stats().queries()).isEqualTo(queries);
        }
    }

    /** Waits (bounded) until every outstanding lookup has ended. */
    private static void awaitQuiet(ReverseDnsEnricher r) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (r.stats().inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
