package org.btda.harvester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaConfig;
import org.btda.harvester.dht.DhtConfig;
import org.btda.harvester.magnet.MagnetOptions;
import org.btda.harvester.schedule.SchedulePolicy;
import org.junit.jupiter.api.Test;

class HarvesterConfigTest {

    @Test
    void everyValueComesFromItsSetting() throws Exception {
        Settings s = Settings.defaults()
                .with("kafka.bootstrap-servers", "10.1.1.1:9092")
                .with("torrents.dir", "/t")
                .with("torrents.scan-interval", "7s")
                .with("magnets.file", "/m.txt")
                .with("state.dir", "/s")
                .with("listen.port", "51413")
                .with("passive", "true")
                .with("listen.address", "127.0.0.8")
                .with("do-not-contact", "10.0.0.0/8")
                .with("revisit.delay", "9m")
                .with("tracker.timeout", "4s")
                .with("tracker.udp-retransmit-base", "3s")
                .with("tracker.interval", "11m")
                .with("tracker.min-interval", "2m")
                .with("tracker.interval-cap", "20s")
                .with("tracker.scrape-interval", "17m")
                .with("tracker.max-backoff", "2h")
                .with("tracker.numwant", "50")
                .with("dht.interval", "3m")
                .with("evaluator.bind-address", "127.0.0.9");
        HarvesterConfig c = HarvesterConfig.from(s);
        assertThat(c.kafka()).isEqualTo(KafkaConfig.from(s));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("10.1.1.1:9092");
        assertThat(c.torrentsDir()).isEqualTo(Path.of("/t"));
        assertThat(c.scanInterval()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.magnetsFile()).contains(Path.of("/m.txt"));
        assertThat(c.stateDir()).isEqualTo(Path.of("/s"));
        assertThat(c.secretFile()).as("security.secret-file empty: under state.dir").isEqualTo(Path.of("/s/secret"));
        assertThat(c.listenPort()).isEqualTo(51413);
        assertThat(c.listening()).isTrue();
        assertThat(c.listenAddress()).as("announces leave from the listen address").contains(InetAddress.getByName("127.0.0.8"));
        assertThat(c.doNotContact().contains(InetAddress.getByName("10.2.3.4"))).isTrue();
        assertThat(c.doNotContact().contains(InetAddress.getByName("11.2.3.4"))).isFalse();
        assertThat(c.recentPeersWindow()).isEqualTo(Duration.ofMinutes(9));
        assertThat(c.trackerTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.udpRetransmitBase()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.schedule()).isEqualTo(new SchedulePolicy(Duration.ofMinutes(11), Duration.ofMinutes(2),
                Optional.of(Duration.ofSeconds(20)), Duration.ofMinutes(17), SchedulePolicy.BACKOFF_BASE, Duration.ofHours(2), 50));
        assertThat(c.dht()).as("dht.enabled is off").isEmpty();
        assertThat(c.dhtInterval()).isEqualTo(Duration.ofMinutes(3));
        assertThat(c.magnet()).isEqualTo(MagnetOptions.DEFAULT.withBindAddress(InetAddress.getByName("127.0.0.9")));
    }

    @Test
    void theDefaultsAreTheRegistrys() {
        HarvesterConfig c = HarvesterConfig.from(Settings.defaults());
        assertThat(c.kafka()).isEqualTo(KafkaConfig.defaults());
        assertThat(c.torrentsDir()).isEqualTo(Settings.TORRENTS_DIR.defaultValue());
        assertThat(c.magnetsFile()).isEmpty();
        assertThat(c.listenPort()).isEqualTo(Settings.LISTEN_PORT.defaultValue());
        assertThat(c.listening()).as("listen and dial by default").isTrue();
        assertThat(c.listenAddress()).as("listen.address empty: the system picks the source").isEmpty();
        assertThat(c.recentPeersWindow()).isEqualTo(Settings.REVISIT_DELAY.defaultValue());
        assertThat(c.schedule().defaultInterval()).isEqualTo(Settings.TRACKER_INTERVAL.defaultValue());
        assertThat(c.schedule().floor()).isEqualTo(Settings.TRACKER_MIN_INTERVAL.defaultValue());
        assertThat(c.schedule().cap()).isEqualTo(Settings.TRACKER_INTERVAL_CAP.defaultValue());
        assertThat(c.schedule().scrapeInterval()).isEqualTo(Settings.TRACKER_SCRAPE_INTERVAL.defaultValue());
        assertThat(c.schedule().maxBackoff()).isEqualTo(Settings.TRACKER_MAX_BACKOFF.defaultValue());
        assertThat(c.schedule().numWant()).isEqualTo(Settings.TRACKER_NUMWANT.defaultValue());
        assertThat(c.magnet()).as("evaluator.bind-address empty: any local address").isEqualTo(MagnetOptions.DEFAULT);
        assertThat(c.magnet().bindAddress()).isNull();

        // DhtConfig.of (tests, embedding) uses the same rate, timeout and alpha as the service's default config.
        DhtConfig embedded = DhtConfig.of(new InetSocketAddress("127.0.0.1", 0), List.of());
        DhtConfig service = HarvesterConfig.dhtConfig(Settings.defaults().with("dht.bootstrap", ""));
        assertThat(embedded.maxQueriesPerSecond()).isEqualTo(service.maxQueriesPerSecond())
                .isEqualTo(Settings.DHT_MAX_QUERIES_PER_SECOND.defaultValue());
        assertThat(embedded.queryTimeout()).isEqualTo(service.queryTimeout()).isEqualTo(Settings.DHT_QUERY_TIMEOUT.defaultValue());
        assertThat(embedded.alpha()).isEqualTo(service.alpha()).isEqualTo(Settings.DHT_ALPHA.defaultValue());
        assertThat(embedded.stateFile()).as("not persisted").isNull();
    }

    @Test
    void theDhtIsConfiguredOnlyWhenEnabled() {
        Settings s = Settings.defaults().with("dht.enabled", "true").with("dht.bind-address", "127.0.0.3")
                .with("dht.port", "7001").with("dht.bootstrap", "127.0.0.4:6881,127.0.0.5:6882")
                .with("dht.max-queries-per-second", "70").with("dht.query-timeout", "4s").with("dht.alpha", "6")
                .with("state.dir", "/s");
        DhtConfig d = HarvesterConfig.from(s).dht().orElseThrow();
        assertThat(d.bind()).isEqualTo(new InetSocketAddress("127.0.0.3", 7001));
        assertThat(d.bootstrap()).containsExactly(new InetSocketAddress("127.0.0.4", 6881), new InetSocketAddress("127.0.0.5", 6882));
        assertThat(d.maxQueriesPerSecond()).isEqualTo(70);
        assertThat(d.queryTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(d.alpha()).isEqualTo(6);
        assertThat(d.stateFile()).isEqualTo(Path.of("/s", DhtConfig.STATE_FILE_NAME));
        assertThatThrownBy(() -> HarvesterConfig.from(s.with("dht.bootstrap", "no-port")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dht.bootstrap");
    }

    @Test
    void ipv6BootstrapNodesAreWrittenInBrackets() throws Exception {
        Settings s = Settings.defaults().with("dht.enabled", "true").with("dht.bind-address", "::1")
                .with("dht.bootstrap", "[fd00:198:18::2]:6881,127.0.0.4:6882");
        DhtConfig d = HarvesterConfig.from(s).dht().orElseThrow();
        assertThat(d.bind()).isEqualTo(new InetSocketAddress(java.net.InetAddress.getByName("::1"), 6882));
        assertThat(d.bootstrap()).containsExactly(
                new InetSocketAddress(java.net.InetAddress.getByName("fd00:198:18::2"), 6881),
                new InetSocketAddress("127.0.0.4", 6882));
    }
}
