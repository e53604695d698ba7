package org.btda.evaluator.enrich;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.btda.common.config.Settings;

/**
 * What the enrichers read from settings, as typed values; built by {@link #from} (the only place that maps their
 * keys), with no defaults of its own.
 *
 * @param geoipDir       geoip.dir, where the GeoLite2 databases are
 * @param coordinateGrid geoip.coordinate-grid, degrees latitude/longitude are rounded to
 * @param dnsEnabled     dns.enabled: reverse DNS of peers
 * @param dnsServer      dns.server, parsed; {@code null} = the system's resolver (and always when DNS is off, so an
 *                       unused value is not validated, as before)
 * @param dnsTimeout     dns.timeout, of one reverse query
 * @param dnsCacheSize   dns.cache-size, answers (negative ones included) kept in memory
 */
public record EnrichmentConfig(Path geoipDir, double coordinateGrid, boolean dnsEnabled, InetSocketAddress dnsServer,
        Duration dnsTimeout, int dnsCacheSize) {

    public EnrichmentConfig {
        Objects.requireNonNull(geoipDir, "geoipDir");
        Objects.requireNonNull(dnsTimeout, "dnsTimeout");
    }

    public static EnrichmentConfig from(Settings s) {
        boolean dns = s.get(Settings.DNS_ENABLED);
        return new EnrichmentConfig(s.get(Settings.GEOIP_DIR), s.get(Settings.GEOIP_COORDINATE_GRID), dns,
                dns ? ReverseDnsEnricher.parseServer(s.get(Settings.DNS_SERVER)) : null, s.get(Settings.DNS_TIMEOUT),
                s.get(Settings.DNS_CACHE_SIZE));
    }
}
