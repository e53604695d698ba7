package org.btda.evaluator.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.btda.common.net.Networks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reverse lookups against a real dnsmasq on 127.0.0.1 that holds only the PTR records below. */
class ReverseDnsEnricherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    private static Dnsmasq dns;
    private static EventLoopGroup group;

    @BeforeAll
    static void startDns() throws Exception {
        Map<String, String> ptr = new LinkedHashMap<>();
        ptr.put("5.113.0.203.in-addr.arpa", "c-73-1-2-3.hsd1.ca.comcast.net");
        ptr.put("6.113.0.203.in-addr.arpa", "cpc1-cmbg1-2-0-cust3.5-4.cable.example.co.uk");
        ptr.put("7.113.0.203.in-addr.arpa", "myhome.duckdns.org");
        ptr.put("8.113.0.203.in-addr.arpa", "localhost");
        ptr.put("9.113.0.203.in-addr.arpa", "HOST-9.Example.NET.");
        ptr.put("10.113.0.203.in-addr.arpa", "ppp-10.dsl.example.com.au");
        ptr.put(ReverseDnsEnricher.ptrName(ip("2001:db8::1")).replaceAll("\\.$", ""), "ip6-1.broadband.example.co.uk");
        dns = Dnsmasq.start(dir, ptr, List.of("113.0.203.in-addr.arpa", "8.b.d.0.1.0.0.2.ip6.arpa"));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopDns() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static InetAddress ip(String literal) {
        return Networks.parseLiteral(literal);
    }

    private static ReverseDnsEnricher enricher() {
        return new ReverseDnsEnricher(group.next(), dns.address(), TIMEOUT, 1000);
    }

    private static Optional<String> await(CompletableFuture<Optional<String>> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void ptrNamesAreReducedToTheRegisteredDomain() throws Exception {
        try (ReverseDnsEnricher r = enricher()) {
            assertThat(await(r.domain(ip("203.0.113.5")))).contains("comcast.net");
            assertThat(await(r.domain(ip("203.0.113.6")))).contains("example.co.uk");
            assertThat(await(r.domain(ip("203.0.113.10")))).contains("example.com.au");
            assertThat(await(r.domain(ip("203.0.113.9")))).contains("example.net");
            assertThat(await(r.domain(ip("2001:db8::1")))).contains("example.co.uk");
        }
        // The answers came from the test server over UDP, not from anywhere else.
        assertThat(dns.log()).contains("query[PTR] 5.113.0.203.in-addr.arpa from 127.0.0.1")
                .contains("query[PTR] 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa from 127.0.0.1");
    }

    @Test
    void privateSuffixesDoNotYieldPerHouseholdNames() throws Exception {
        try (ReverseDnsEnricher r = enricher()) {
            // duckdns.org is a private public suffix; the name under it is one person's, so only the registrable
            // domain under the ICANN suffix .org is kept.
            assertThat(await(r.domain(ip("203.0.113.7")))).contains("duckdns.org");
            assertThat(await(r.domain(ip("203.0.113.8")))).isEmpty();
        }
    }

    @Test
    void addressWithoutPtrRecordHasNoDomain() throws Exception {
        try (ReverseDnsEnricher r = enricher()) {
            assertThat(await(r.domain(ip("203.0.113.99")))).isEmpty();
            assertThat(r.stats().failed()).isZero();
            assertThat(r.stats().answered()).isEqualTo(1);
        }
    }

    @Test
    void domainIfKnownStartsALookupAndLaterReturnsTheCachedAnswer() throws Exception {
        try (ReverseDnsEnricher r = enricher()) {
            InetAddress a = ip("203.0.113.5");
            assertThat(r.domainIfKnown(a)).isEmpty();
            assertThat(r.stats().queries()).isEqualTo(1);
            // The lookup it started is the one domain() now shares.
            assertThat(await(r.domain(a))).contains("comcast.net");
            assertThat(r.stats().queries()).isEqualTo(1);
            assertThat(r.domainIfKnown(a)).contains("comcast.net");
        }
    }

    @Test
    void concurrentRequestsForOneAddressShareOneQuery() throws Exception {
        try (ReverseDnsEnricher r = enricher()) {
            List<CompletableFuture<Optional<String>>> fs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fs.add(r.domain(ip("203.0.113.6")));
            }
            for (CompletableFuture<Optional<String>> f : fs) {
                assertThat(await(f)).contains("example.co.uk");
            }
            assertThat(r.stats().queries()).isEqualTo(1);
        }
    }

    @Test
    void answersAndNegativeAnswersAreServedFromTheCacheWithoutAskingAgain() throws Exception {
        try (ReverseDnsEnricher r = enricher()) {
            assertThat(await(r.domain(ip("203.0.113.10")))).contains("example.com.au");
            assertThat(await(r.domain(ip("203.0.113.98")))).isEmpty();
            long queries = r.stats().queries();
            for (int i = 0; i < 100; i++) {
                assertThat(r.domainIfKnown(ip("203.0.113.10"))).contains("example.com.au");
                assertThat(r.domain(ip("203.0.113.98"))).isCompletedWithValue(Optional.empty());
            }
            assertThat(r.stats().queries()).isEqualTo(queries);
            assertThat(r.stats().cached()).isEqualTo(2);
        }
    }

    @Test
    void cacheIsBounded() throws Exception {
        try (ReverseDnsEnricher r = new ReverseDnsEnricher(group.next(), dns.address(), TIMEOUT, 3)) {
            for (int i = 20; i < 30; i++) {
                assertThat(await(r.domain(ip("203.0.113." + i)))).isEmpty();
            }
            assertThat(r.stats().cached()).isLessThanOrEqualTo(3);
            assertThat(r.stats().queries()).isEqualTo(10);
        }
    }

    @Test
    void registeredDomainRules() {
        assertThat(ReverseDnsEnricher.registeredDomain("c-73-1-2-3.hsd1.ca.comcast.net.")).contains("comcast.net");
        assertThat(ReverseDnsEnricher.registeredDomain("a.b.example.co.uk")).contains("example.co.uk");
        assertThat(ReverseDnsEnricher.registeredDomain("co.uk")).isEmpty();
        assertThat(ReverseDnsEnricher.registeredDomain("localhost")).isEmpty();
        assertThat(ReverseDnsEnricher.registeredDomain("bad_name!.example.com")).isEmpty();
        assertThat(ReverseDnsEnricher.registeredDomain("a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "."
                + "d".repeat(60) + ".example.com")).isEmpty();
        assertThat(ReverseDnsEnricher.registeredDomain(null)).isEmpty();
    }

    @Test
    void ptrNames() {
        assertThat(ReverseDnsEnricher.ptrName(ip("192.0.2.3"))).isEqualTo("3.2.0.192.in-addr.arpa.");
        assertThat(ReverseDnsEnricher.ptrName(ip("2001:db8::567:89ab")))
                .isEqualTo("b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
    }

    @Test
    void serverSettingMustBeAnAddressLiteral() {
        assertThat(ReverseDnsEnricher.parseServer("")).isNull();
        assertThat(ReverseDnsEnricher.parseServer("127.0.0.1:5353")).satisfies(a -> {
            assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(a.getPort()).isEqualTo(5353);
        });
        assertThat(ReverseDnsEnricher.parseServer("127.0.0.1").getPort()).isEqualTo(53);
        assertThat(ReverseDnsEnricher.parseServer("[::1]:5300").getPort()).isEqualTo(5300);
        assertThat(ReverseDnsEnricher.parseServer("::1").getPort()).isEqualTo(53);
        assertThatThrownBy(() -> ReverseDnsEnricher.parseServer("dns.example.com:53"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("literal");
        assertThatThrownBy(() -> ReverseDnsEnricher.parseServer("127.0.0.1:99999"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
    }
}
