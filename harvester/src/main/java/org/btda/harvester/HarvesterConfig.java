package org.btda.harvester;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.net.CidrSet;
import org.btda.common.net.Networks;
import org.btda.harvester.dht.DhtConfig;
import org.btda.harvester.magnet.MagnetOptions;
import org.btda.harvester.schedule.SchedulePolicy;

/**
 * Everything the harvester reads from settings, as typed values; the launcher builds it with {@link #from} and the
 * harvester never sees {@link Settings}. This is the only place in the harvester that maps setting keys, and it adds
 * no defaults of its own: every value comes from the registry.
 *
 * @param kafka             broker and topic names
 * @param torrentsDir       torrents.dir
 * @param scanInterval      torrents.scan-interval (also the first retry delay of a magnet that failed to resolve)
 * @param magnetsFile       magnets.file; empty = none
 * @param stateDir          state.dir: the client identity and the DHT state live here
 * @param secretFile        security.secret-file, or {@code <state.dir>/secret}: the key of peer refs
 * @param listenPort        listen.port: announced to trackers, and never published as a peer of our own
 * @param listening         listen.enabled: only then is listen.port announced in the DHT (somebody listens on it)
 * @param listenAddress     listen.address when set: tracker announces (UDP and HTTP) leave from it, and the DHT node
 *                          binds to it unless dht.bind-address says otherwise, so peers that find btda there can dial in
 * @param doNotContact      do-not-contact networks, never published as peers
 * @param recentPeersWindow revisit.delay: a peer seen again within it is a duplicate, not a new peer
 * @param trackerTimeout    tracker.timeout, of one HTTP tracker request
 * @param udpRetransmitBase tracker.udp-retransmit-base (BEP 15)
 * @param schedule          the tracker.* announce and scrape timing
 * @param dht               the DHT node's config when dht.enabled, else empty
 * @param dhtInterval       dht.interval, between lookups of one torrent
 * @param magnet            bounds of one metadata fetch; bound to evaluator.bind-address when set
 */
public record HarvesterConfig(KafkaConfig kafka, Path torrentsDir, Duration scanInterval, Optional<Path> magnetsFile,
        Path stateDir, Path secretFile, int listenPort, boolean listening, Optional<InetAddress> listenAddress,
        CidrSet doNotContact, Duration recentPeersWindow,
        Duration trackerTimeout, Duration udpRetransmitBase, SchedulePolicy schedule, Optional<DhtConfig> dht,
        Duration dhtInterval, MagnetOptions magnet) {

    public HarvesterConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(torrentsDir, "torrentsDir");
        Objects.requireNonNull(scanInterval, "scanInterval");
        Objects.requireNonNull(magnetsFile, "magnetsFile");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(secretFile, "secretFile");
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(doNotContact, "doNotContact");
        Objects.requireNonNull(recentPeersWindow, "recentPeersWindow");
        Objects.requireNonNull(trackerTimeout, "trackerTimeout");
        Objects.requireNonNull(udpRetransmitBase, "udpRetransmitBase");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(dht, "dht");
        Objects.requireNonNull(dhtInterval, "dhtInterval");
        Objects.requireNonNull(magnet, "magnet");
    }

    public static HarvesterConfig from(Settings s) {
        String magnetBind = s.get(Settings.EVALUATOR_BIND_ADDRESS);
        MagnetOptions magnet = magnetBind.isBlank() ? MagnetOptions.DEFAULT
                : MagnetOptions.DEFAULT.withBindAddress(Networks.parseLiteral(magnetBind));
        return new HarvesterConfig(KafkaConfig.from(s), s.get(Settings.TORRENTS_DIR), s.get(Settings.TORRENTS_SCAN_INTERVAL),
                s.get(Settings.MAGNETS_FILE), s.get(Settings.STATE_DIR), s.secretFile(), s.get(Settings.LISTEN_PORT),
                s.get(Settings.LISTEN_ENABLED), listenAddress(s),
                CidrSet.parse(s.get(Settings.DO_NOT_CONTACT)), s.get(Settings.REVISIT_DELAY),
                s.get(Settings.TRACKER_TIMEOUT), s.get(Settings.TRACKER_UDP_RETRANSMIT_BASE), schedulePolicy(s),
                s.get(Settings.DHT_ENABLED) ? Optional.of(dhtConfig(s)) : Optional.empty(), s.get(Settings.DHT_INTERVAL),
                magnet);
    }

    /** listen.address when btda listens and it is set; the address peers are told to dial. */
    static Optional<InetAddress> listenAddress(Settings s) {
        String a = s.get(Settings.LISTEN_ADDRESS);
        boolean listening = s.get(Settings.LISTEN_ENABLED);
        return listening && !a.isBlank() ? Optional.of(Networks.parseLiteral(a)) : Optional.empty();
    }

    /** The tracker.* settings; the failure back-off base is fixed ({@link SchedulePolicy#BACKOFF_BASE}). */
    public static SchedulePolicy schedulePolicy(Settings s) {
        return new SchedulePolicy(s.get(Settings.TRACKER_INTERVAL), s.get(Settings.TRACKER_MIN_INTERVAL),
                s.get(Settings.TRACKER_INTERVAL_CAP), s.get(Settings.TRACKER_SCRAPE_INTERVAL), SchedulePolicy.BACKOFF_BASE,
                s.get(Settings.TRACKER_MAX_BACKOFF), s.get(Settings.TRACKER_NUMWANT));
    }

    /**
     * The dht.* settings. Bootstrap names are resolved here, so only when dht.enabled, to every address they have: a
     * router with an IPv6 address bootstraps the IPv6 routing table too (BEP 32). Names that do not resolve are skipped
     * (the routing table saved under state.dir may still bring the node up).
     */
    public static DhtConfig dhtConfig(Settings s) {
        String host = s.get(Settings.DHT_BIND_ADDRESS);
        // announce_peer tells the DHT "the sender's address, listen.port": send it from the address btda listens on
        Optional<InetAddress> listen = listenAddress(s);
        InetSocketAddress bind = !host.isEmpty() ? new InetSocketAddress(host, s.get(Settings.DHT_PORT))
                : listen.map(a -> new InetSocketAddress(a, s.get(Settings.DHT_PORT)))
                        .orElseGet(() -> new InetSocketAddress(s.get(Settings.DHT_PORT)));
        List<InetSocketAddress> boot = new ArrayList<>();
        for (String hp : s.get(Settings.DHT_BOOTSTRAP)) {
            int colon = hp.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("dht.bootstrap entry is not host:port: " + hp);
            }
            int port = Integer.parseInt(hp.substring(colon + 1));
            try {
                for (InetAddress a : InetAddress.getAllByName(hp.substring(0, colon))) {
                    boot.add(new InetSocketAddress(a, port));
                }
            } catch (UnknownHostException unresolved) {
                // skipped, as documented
            }
        }
        return new DhtConfig(bind, boot, s.get(Settings.DHT_MAX_QUERIES_PER_SECOND), s.get(Settings.DHT_QUERY_TIMEOUT),
                s.get(Settings.DHT_ALPHA), s.get(Settings.STATE_DIR).resolve(DhtConfig.STATE_FILE_NAME),
                DhtConfig.MAINTENANCE_INTERVAL);
    }
}
