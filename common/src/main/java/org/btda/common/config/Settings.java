package org.btda.common.config;

import static org.btda.common.config.SettingType.BOOLEAN;
import static org.btda.common.config.SettingType.DURATION;
import static org.btda.common.config.SettingType.LIST;
import static org.btda.common.config.SettingType.OPTIONAL_DURATION;
import static org.btda.common.config.SettingType.OPTIONAL_PATH;
import static org.btda.common.config.SettingType.PATH;
import static org.btda.common.config.SettingType.STRING;
import static org.btda.common.config.SettingType.ints;
import static org.btda.common.config.SettingType.oneOf;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The one typed settings object every service reads (libtorrent style: every knob is a documented constant with a
 * default). Precedence, highest first: {@code --set key=value}, environment ({@code BTDA_NETWORK_TIMEOUT}),
 * config file (Java properties), default. Unknown keys in the file or in {@code --set} are errors; unknown
 * {@code BTDA_*} environment variables are ignored (the environment is shared with other tools).
 *
 * <p>Immutable and thread-safe. Add new settings as constants below; {@link SettingsDoc} renders them for the README.
 */
public final class Settings {
    // ---- contact and completion --------------------------------------------------------------------------------
    public static final Setting<Double> COMPLETION_THRESHOLD = Setting.define("completion.threshold", SettingType.doubles(0, 1), 0.98,
            "fraction", "share of pieces at or above which a peer counts as complete");
    public static final Setting<Duration> NETWORK_TIMEOUT = Setting.define("network.timeout", DURATION, Duration.ofSeconds(6),
            "duration", "quiet time after the last message that ends a contact");

    // ---- evaluator ------------------------------------------------------------------------------------------------
    public static final Setting<Integer> EVALUATOR_MAX_MESSAGES = Setting.define("evaluator.max-messages", ints(1, 1_000_000), 256,
            "messages", "messages read from one peer before the session is closed");
    public static final Setting<Duration> EVALUATOR_SESSION_CAP = Setting.define("evaluator.session-cap", DURATION, Duration.ofSeconds(60),
            "duration", "hard limit on one contact session");
    public static final Setting<Duration> EVALUATOR_CONNECT_TIMEOUT = Setting.define("evaluator.connect-timeout", DURATION, Duration.ofSeconds(5),
            "duration", "connect timeout for outgoing contacts (TCP connect, uTP SYN until its ack)");
    public static final Setting<Duration> EVALUATOR_PIECE_GRACE = Setting.define("evaluator.piece-grace", DURATION, Duration.ofSeconds(2),
            "duration", "a contact ends this long after the peer's piece count became known (bitfield, have_all, have_none), leaving time for haves that complete a partial bitfield");
    public static final Setting<Integer> EVALUATOR_MAX_SESSIONS = Setting.define("evaluator.max-sessions", ints(1, 1_000_000), 2000,
            "sessions", "concurrent contact sessions per evaluator (the --active flag)");
    public static final Setting<Duration> EVALUATOR_STALE_AFTER = Setting.define("evaluator.stale-after", DURATION, Duration.ofMinutes(15),
            "duration", "contact requests older than this are dropped as stale");
    public static final Setting<Integer> EVALUATOR_MAX_FRAME_BYTES = Setting.define("evaluator.max-frame-bytes", ints(1024, 64 << 20), 1_048_576,
            "bytes", "largest peer wire message accepted");
    public static final Setting<String> EVALUATOR_TRANSPORT = Setting.define("evaluator.transport", STRING, "auto",
            "mode", "how contacts are carried: auto (uTP first for peers that announced uTP in PEX or answered over uTP last time, "
                    + "else TCP; a failed connect, or a hang-up before the peer's handshake, is retried once the other way), tcp "
                    + "(no UDP socket), or utp (BEP 29); uTP shares listen.port's number over UDP");
    public static final Setting<Boolean> EVALUATOR_HOLEPUNCH = Setting.define("evaluator.holepunch", BOOLEAN, true,
            "", "BEP 55: uTP sessions with peers that advertise ut_holepunch ask them to introduce btda to peers of the same"
                    + " torrent it could not connect to, and the introduced peer's uTP connection is accepted even with"
                    + " listen.enabled false; needs the uTP socket, so it acts only with evaluator.transport auto or utp");
    public static final Setting<String> EVALUATOR_BIND_ADDRESS = Setting.define("evaluator.bind-address", STRING, "",
            "address", "local address for outgoing peer connections (contacts, magnet metadata fetches); empty = any");

    public static final Setting<String> EVALUATOR_ENCRYPTION = Setting.define("evaluator.encryption",
            oneOf("learn", "plain-first", "encrypted-first", "plain-only", "encrypted-only"), "learn",
            "policy", "MSE/PE encryption of outgoing contacts: learn (per peer, from its PEX flags and earlier contacts;"
                    + " plaintext when nothing is known), plain-first, encrypted-first (these three retry the other way once"
                    + " when the peer hangs up before its handshake), plain-only, encrypted-only; incoming connections may"
                    + " always be either");
    public static final Setting<Integer> EVALUATOR_MSE_MAX_HANDSHAKES = Setting.define("evaluator.mse-max-handshakes",
            ints(1, 1_000_000), 1024, "handshakes", "MSE handshakes in progress at once per evaluator (each costs two"
                    + " 768-bit Diffie-Hellman exponentiations); contacts beyond it fail OVERLOADED, incoming ones are refused");

    // ---- revisits -------------------------------------------------------------------------------------------------
    public static final Setting<Duration> REVISIT_DELAY = Setting.define("revisit.delay", DURATION, Duration.ofMinutes(5),
            "duration", "time from a peer's last observation to its next contact; bounds every crossing bracket: crossed_at - last_below_at <= revisit.delay + network.timeout for a peer that answers each contact");
    public static final Setting<Integer> REVISIT_MAX_FAILURES = Setting.define("revisit.max-failures", ints(0, 1000), 5,
            "count", "consecutive failed contacts after which a peer is no longer revisited");
    public static final Setting<Duration> REVISIT_BACKOFF_BASE = Setting.define("revisit.backoff-base", DURATION, Duration.ofMinutes(1),
            "duration", "first retry delay after a failed contact; doubles per failure");
    public static final Setting<Optional<Duration>> SPEED_MIN_INTERVAL = Setting.define("speed.min-interval", OPTIONAL_DURATION, Optional.empty(),
            "duration", "shortest interval between two observations used for a download speed; empty = revisit.delay");

    // ---- trackers -------------------------------------------------------------------------------------------------
    public static final Setting<Duration> TRACKER_INTERVAL = Setting.define("tracker.interval", DURATION, Duration.ofMinutes(5),
            "duration", "announce interval used when a tracker gives none");
    public static final Setting<Duration> TRACKER_MIN_INTERVAL = Setting.define("tracker.min-interval", DURATION, Duration.ofMinutes(5),
            "duration", "floor applied to trackers' announce intervals");
    public static final Setting<Optional<Duration>> TRACKER_INTERVAL_CAP = Setting.define("tracker.interval-cap", OPTIONAL_DURATION, Optional.empty(),
            "duration", "upper bound on trackers' intervals; empty = honour the tracker (e.g. 20s shortens opentracker's 30 min in tests)");
    public static final Setting<Duration> TRACKER_SCRAPE_INTERVAL = Setting.define("tracker.scrape-interval", DURATION, Duration.ofMinutes(15),
            "duration", "time between scrapes of one tracker for one torrent");
    public static final Setting<Duration> TRACKER_TIMEOUT = Setting.define("tracker.timeout", DURATION, Duration.ofSeconds(15),
            "duration", "timeout of one tracker request");
    public static final Setting<Integer> TRACKER_NUMWANT = Setting.define("tracker.numwant", ints(0, 10_000), 200,
            "peers", "peers asked for per announce");
    public static final Setting<Duration> TRACKER_MAX_BACKOFF = Setting.define("tracker.max-backoff", DURATION, Duration.ofHours(1),
            "duration", "longest wait between retries of a failing tracker");
    public static final Setting<Duration> TRACKER_UDP_RETRANSMIT_BASE = Setting.define("tracker.udp-retransmit-base", DURATION, Duration.ofSeconds(15),
            "duration", "first UDP tracker retransmission timeout (BEP 15: base * 2^n, n <= 8)");
    public static final Setting<Duration> TORRENTS_SCAN_INTERVAL = Setting.define("torrents.scan-interval", DURATION, Duration.ofSeconds(5),
            "duration", "time between scans of torrents.dir");

    // ---- DHT ------------------------------------------------------------------------------------------------------
    public static final Setting<Boolean> DHT_ENABLED = Setting.define("dht.enabled", BOOLEAN, false,
            "", "look up peers in the mainline DHT (BEP 5)");
    public static final Setting<Duration> DHT_INTERVAL = Setting.define("dht.interval", DURATION, Duration.ofMinutes(5),
            "duration", "time between DHT lookups of one torrent");
    public static final Setting<Integer> DHT_PORT = Setting.define("dht.port", ints(0, 65535), 6882,
            "port", "UDP port of the DHT node; 0 = any. Apart from listen.port, whose UDP port is the uTP socket's "
                    + "(evaluator.transport auto or utp): one port cannot be bound by both");
    public static final Setting<List<String>> DHT_BOOTSTRAP = Setting.define("dht.bootstrap", LIST,
            List.of("router.bittorrent.com:6881", "dht.transmissionbt.com:6881", "router.utorrent.com:6881"),
            "host:port list", "DHT bootstrap nodes; IPv6 literals in brackets, [address]:port");
    public static final Setting<Integer> DHT_MAX_QUERIES_PER_SECOND = Setting.define("dht.max-queries-per-second", ints(1, 100_000), 50,
            "queries/s", "rate limit of outgoing DHT queries");
    public static final Setting<String> DHT_BIND_ADDRESS = Setting.define("dht.bind-address", STRING, "", "address", "local address of the DHT UDP socket, whose family is the DHT's (BEP 32); empty = all, IPv4 and IPv6");
    public static final Setting<Duration> DHT_QUERY_TIMEOUT = Setting.define("dht.query-timeout", DURATION, Duration.ofSeconds(3), "duration", "a DHT query unanswered for this long counts as failed");
    public static final Setting<Integer> DHT_ALPHA = Setting.define("dht.alpha", ints(1, 16), 4, "queries", "parallel queries of one DHT lookup");

    // ---- service ----------------------------------------------------------------------------------------------------
    public static final Setting<Duration> STATS_INTERVAL = Setting.define("stats.interval", DURATION, Duration.ofMinutes(5),
            "duration", "time between statistics records");
    public static final Setting<Integer> LISTEN_PORT = Setting.define("listen.port", ints(0, 65535), 6881,
            "port", "TCP port for incoming peer connections, announced to trackers and the DHT; 0 = any free one (btda local "
                    + "only: services run apart must share a fixed port)");
    public static final Setting<String> LISTEN_ADDRESS = Setting.define("listen.address", STRING, "",
            "address", "local address to listen on, and the source address of tracker and DHT announces; empty = all");
    public static final Setting<Boolean> LISTEN_ENABLED = Setting.define("listen.enabled", BOOLEAN, true,
            "", "accept incoming peers of monitored torrents on listen.address:listen.port, and announce that port to "
                    + "trackers and the DHT; off = only dial out");
    public static final Setting<Boolean> PASSIVE = Setting.define("passive", BOOLEAN, false,
            "", "only accept incoming peers, never dial out (the evaluator does not consume contact requests); needs listen.enabled");
    public static final Setting<Integer> LISTEN_MAX_CONNECTIONS = Setting.define("listen.max-connections", ints(1, 100_000), 500,
            "connections", "incoming peer connections open at once; more are refused and counted");
    public static final Setting<Integer> LISTEN_MAX_PER_ADDRESS = Setting.define("listen.max-per-address", ints(1, 1000), 2,
            "connections", "incoming peer connections open at once from one IP address");
    public static final Setting<Duration> LISTEN_FOLLOW_CAP = Setting.define("listen.follow-cap", DURATION, Duration.ofHours(2),
            "duration", "longest time an incoming peer that sends no BEP 10 listen port is followed on its own connection "
                    + "(an observation every revisit.delay until it completes or has no new piece for revisit.delay)");
    public static final Setting<String> EVALUATOR_INSTANCE_ID = Setting.define("evaluator.instance-id", STRING, "",
            "", "evaluator name in observations and statistics; empty = random per process");
    public static final Setting<Integer> METRICS_PORT = Setting.define("metrics.port", ints(0, 65535), 0,
            "port", "HTTP port serving Prometheus metrics at /metrics and health at /health/live, /health/ready (one per JVM); 0 = off");
    public static final Setting<String> METRICS_ADDRESS = Setting.define("metrics.address", STRING, "127.0.0.1",
            "address", "local address of the Prometheus metrics endpoint");
    public static final Setting<Path> TORRENTS_DIR = Setting.define("torrents.dir", PATH, Path.of("torrents"),
            "path", "directory of .torrent files to monitor");
    public static final Setting<Optional<Path>> MAGNETS_FILE = Setting.define("magnets.file", OPTIONAL_PATH, Optional.empty(),
            "path", "file of magnet links, one a line; empty = none");
    public static final Setting<Path> STATE_DIR = Setting.define("state.dir", PATH, Path.of("state"),
            "path", "directory for local state (secret, stream stores)");
    public static final Setting<Duration> STARTUP_WAIT = Setting.define("startup.wait", DURATION, Duration.ofMinutes(2),
            "duration", "how long a service waits at start for Kafka and ClickHouse before it exits non-zero (a restart policy then retries)");

    // ---- Kafka ------------------------------------------------------------------------------------------------------
    public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS = Setting.define("kafka.bootstrap-servers", STRING, "localhost:9092",
            "host:port list", "Kafka bootstrap servers");
    public static final Setting<Integer> KAFKA_PARTITIONS = Setting.define("kafka.partitions", ints(1, 10_000), 6,
            "partitions", "partitions of every btda topic");
    public static final Setting<Integer> KAFKA_REPLICATION_FACTOR = Setting.define("kafka.replication-factor", ints(1, 100), 1,
            "replicas", "replication factor of btda topics and the stream processor's internal topics; from 3 on they also get min.insync.replicas = a majority (2 of 3)");
    public static final Setting<Duration> KAFKA_ADDRESS_RETENTION = Setting.define("kafka.address-retention", DURATION, Duration.ofHours(24),
            "duration", "retention of topics carrying plaintext addresses");
    public static final Setting<String> KAFKA_TOPIC_PREFIX = Setting.define("kafka.topic-prefix", STRING, "btda.",
            "", "prefix of every topic name");

    public static final Setting<Integer> STREAMS_THREADS = Setting.define("streams.threads", ints(1, 64), 2,
            "count", "stream processor threads per instance; the kafka.partitions tasks are spread over them (more instances scale further)");

    // ---- ClickHouse -------------------------------------------------------------------------------------------------
    public static final Setting<String> CLICKHOUSE_URL = Setting.define("clickhouse.url", STRING, "",
            "URL", "ClickHouse JDBC/HTTP URL; empty = start the local one");
    public static final Setting<String> CLICKHOUSE_USER = Setting.define("clickhouse.user", STRING, "default",
            "", "ClickHouse user");
    public static final Setting<String> CLICKHOUSE_PASSWORD = Setting.secret("clickhouse.password", STRING, "",
            "", "ClickHouse password (secret)");
    public static final Setting<String> CLICKHOUSE_DATABASE = Setting.define("clickhouse.database", STRING, "btda",
            "", "ClickHouse database");
    public static final Setting<Integer> CLICKHOUSE_BATCH_SIZE = Setting.define("clickhouse.batch-size", ints(1, 10_000_000), 10_000,
            "rows", "rows per insert");
    public static final Setting<Duration> CLICKHOUSE_FLUSH_INTERVAL = Setting.define("clickhouse.flush-interval", DURATION, Duration.ofSeconds(1),
            "duration", "longest time rows wait before an insert");
    public static final Setting<Integer> OBSERVATIONS_RETENTION_DAYS = Setting.define("observations.retention-days", ints(1, 36_500), 90,
            "days", "TTL of observation rows in ClickHouse");

    // ---- privacy and safety -----------------------------------------------------------------------------------------
    public static final Setting<Optional<Path>> SECURITY_SECRET_FILE = Setting.define("security.secret-file", OPTIONAL_PATH, Optional.empty(),
            "path", "deployment secret for peer keys and sealing; empty = <state.dir>/secret");
    public static final Setting<Boolean> PRIVACY_STORE_ADDRESSES = Setting.define("privacy.store-addresses", BOOLEAN, false,
            "", "also store peers' plain IP addresses (off: only the truncated network and derived columns are kept)");
    public static final Setting<List<String>> DO_NOT_CONTACT = Setting.define("do-not-contact", LIST, List.of(),
            "CIDR list", "networks never contacted");
    public static final Setting<Path> GEOIP_DIR = Setting.define("geoip.dir", PATH, Path.of("data/geoip"),
            "path", "directory of MaxMind databases");
    public static final Setting<String> DNS_SERVER = Setting.define("dns.server", STRING, "",
            "host[:port]", "DNS server for tracker names; empty = system resolver");
    public static final Setting<Double> GEOIP_COORDINATE_GRID = Setting.define("geoip.coordinate-grid", SettingType.doubles(0, 10), 0.1,
            "degrees", "latitude/longitude are rounded to this grid before they are attached to an observation (city level)");
    public static final Setting<Boolean> DNS_ENABLED = Setting.define("dns.enabled", BOOLEAN, true,
            "", "reverse DNS of peers (asynchronous; only the registered domain is kept), sent to dns.server");
    public static final Setting<Duration> DNS_TIMEOUT = Setting.define("dns.timeout", DURATION, Duration.ofSeconds(2),
            "duration", "timeout of one reverse DNS query");
    public static final Setting<Integer> DNS_CACHE_SIZE = Setting.define("dns.cache-size", ints(1, 10_000_000), 100_000,
            "entries", "reverse DNS answers (including negative ones) kept in memory");
    public static final Setting<Duration> STATUS_INTERVAL = Setting.define("status.interval", DURATION, Duration.ofSeconds(5),
            "duration", "time between status lines on the console");

    /** Where an effective value came from. */
    public enum Source { DEFAULT, FILE, ENV, SET }

    private static final int MAX_FILE_BYTES = 1 << 20;
    private static final Settings DEFAULTS = new Settings(Collections.emptyMap(), Collections.emptyMap());

    private final Map<Setting<?>, Object> values;
    private final Map<Setting<?>, Source> sources;

    private Settings(Map<Setting<?>, Object> values, Map<Setting<?>, Source> sources) {
        this.values = values;
        this.sources = sources;
    }

    static void touch() {
        // Referenced by SettingRegistry to make sure the constants above are registered.
    }

    public static Settings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every defined setting, in definition order. */
    public static Collection<Setting<?>> all() {
        return SettingRegistry.all();
    }

    /** The setting with this key, or a {@link SettingsException} naming it. */
    public static Setting<?> setting(String key) {
        Setting<?> s = SettingRegistry.byKey(key);
        if (s == null) {
            throw new SettingsException("unknown setting '" + key + "'");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object v = values.get(setting);
        return v == null ? setting.defaultValue() : (T) v;
    }

    public Source source(Setting<?> setting) {
        return sources.getOrDefault(setting, Source.DEFAULT);
    }

    /** A copy with one value replaced (parsed like --set); convenient for tests. */
    public Settings with(String key, String value) {
        Setting<?> s = setting(key);
        return with0(s, parse(s, value, "with"), Source.SET);
    }

    /** A copy with one typed value replaced. */
    public <T> Settings with(Setting<T> setting, T value) {
        if (value == null) {
            throw new SettingsException("setting '" + setting.key() + "': null value");
        }
        return with0(setting, value, Source.SET);
    }

    private Settings with0(Setting<?> s, Object value, Source source) {
        Map<Setting<?>, Object> v = new IdentityHashMap<>(values);
        Map<Setting<?>, Source> src = new IdentityHashMap<>(sources);
        v.put(s, value);
        src.put(s, source);
        return new Settings(Collections.unmodifiableMap(v), Collections.unmodifiableMap(src));
    }

    // ---- derived values ------------------------------------------------------------------------------------------

    /** {@code security.secret-file}, or {@code <state.dir>/secret} when empty. */
    public Path secretFile() {
        return get(SECURITY_SECRET_FILE).orElseGet(() -> get(STATE_DIR).resolve("secret"));
    }

    /** {@code speed.min-interval}, or {@code revisit.delay} when empty. */
    public Duration speedMinInterval() {
        return get(SPEED_MIN_INTERVAL).orElseGet(() -> get(REVISIT_DELAY));
    }

    /**
     * All effective values as text, in definition order, secrets masked ("****" when set, "" when empty); for the run
     * record and startup logs.
     */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting<?> s : all()) {
            String text = format(s);
            if (s.isSecret() && !text.isEmpty()) {
                text = "****";
            }
            out.put(s.key(), text);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Only the values that differ from the default source, with where they came from; secrets masked. */
    public Map<String, String> describeOverrides() {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> all = describe();
        for (Setting<?> s : all()) {
            Source src = source(s);
            if (src != Source.DEFAULT) {
                out.put(s.key(), all.get(s.key()) + " (" + src.name().toLowerCase(java.util.Locale.ROOT) + ")");
            }
        }
        return out;
    }

    private <T> String format(Setting<T> s) {
        return s.type().format(get(s));
    }

    @Override
    public String toString() {
        return "Settings" + describeOverrides();
    }

    private static Object parse(Setting<?> s, String value, String where) {
        try {
            return s.type().parse(value);
        } catch (IllegalArgumentException e) {
            throw new SettingsException("setting '" + s.key() + "' from " + where + ": bad value '" + value + "': " + e.getMessage());
        }
    }

    /** Collects the sources, then {@link #build()} applies them in precedence order. */
    public static final class Builder {
        private Path file;
        private Map<String, String> env = Map.of();
        private final List<String> sets = new ArrayList<>();

        private Builder() {}

        /** A Java properties file; {@code null} = none. A missing file is an error. */
        public Builder file(Path file) {
            this.file = file;
            return this;
        }

        /** Usually {@code System.getenv()}; only variables named after known settings are read. */
        public Builder env(Map<String, String> env) {
            this.env = env == null ? Map.of() : Map.copyOf(env);
            return this;
        }

        /** One {@code key=value} from the command line; later ones win. */
        public Builder set(String keyValue) {
            sets.add(keyValue);
            return this;
        }

        public Builder set(Collection<String> keyValues) {
            keyValues.forEach(this::set);
            return this;
        }

        public Builder set(String key, String value) {
            return set(key + "=" + value);
        }

        public Settings build() {
            Map<Setting<?>, Object> values = new IdentityHashMap<>();
            Map<Setting<?>, Source> sources = new IdentityHashMap<>();
            if (file != null) {
                for (Map.Entry<String, String> e : readFile(file).entrySet()) {
                    Setting<?> s = SettingRegistry.byKey(e.getKey());
                    if (s == null) {
                        throw new SettingsException("unknown setting '" + e.getKey() + "' in " + file);
                    }
                    values.put(s, parse(s, e.getValue(), file.toString()));
                    sources.put(s, Source.FILE);
                }
            }
            for (Setting<?> s : SettingRegistry.all()) {
                String v = env.get(s.envVar());
                if (v != null) {
                    values.put(s, parse(s, v, "environment variable " + s.envVar()));
                    sources.put(s, Source.ENV);
                }
            }
            for (String kv : sets) {
                int eq = kv == null ? -1 : kv.indexOf('=');
                if (eq <= 0) {
                    throw new SettingsException("--set expects key=value, got '" + kv + "'");
                }
                String key = kv.substring(0, eq).strip();
                Setting<?> s = SettingRegistry.byKey(key);
                if (s == null) {
                    throw new SettingsException("unknown setting '" + key + "' in --set " + kv);
                }
                values.put(s, parse(s, kv.substring(eq + 1), "--set"));
                sources.put(s, Source.SET);
            }
            return new Settings(Collections.unmodifiableMap(values), Collections.unmodifiableMap(sources));
        }

        private static Map<String, String> readFile(Path file) {
            try {
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new SettingsException("config file " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
                }
                Properties p = new Properties();
                p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
                Map<String, String> out = new LinkedHashMap<>();
                for (String name : p.stringPropertyNames()) {
                    out.put(name.strip(), p.getProperty(name));
                }
                return out;
            } catch (IOException e) {
                throw new SettingsException("cannot read config file " + file + ": " + e, e);
            }
        }
    }
}
