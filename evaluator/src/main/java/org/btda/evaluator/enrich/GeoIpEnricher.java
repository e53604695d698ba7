package org.btda.evaluator.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.model.CountryResponse;
import com.maxmind.geoip2.record.Continent;
import com.maxmind.geoip2.record.Country;
import com.maxmind.geoip2.record.Location;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.btda.common.net.Networks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local GeoLite2 lookups (memory-mapped database files, no network). Opens {@code GeoLite2-City.mmdb} (falling back to
 * {@code GeoLite2-Country.mmdb} for country and continent) and {@code GeoLite2-ASN.mmdb} from {@code geoip.dir}.
 * A database that is missing or unreadable leaves its columns empty; that is reported by one warning at startup, not
 * per lookup, because an evaluator does thousands of lookups a second.
 *
 * <p>Thread-safe: {@link DatabaseReader} is, and this class holds no mutable state besides warn-once flags.
 */
public final class GeoIpEnricher implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(GeoIpEnricher.class);
    public static final String CITY_DB = "GeoLite2-City.mmdb";
    public static final String COUNTRY_DB = "GeoLite2-Country.mmdb";
    public static final String ASN_DB = "GeoLite2-ASN.mmdb";
    /** Decoded-node cache per database; peers of one swarm cluster in few networks, so hits are common. */
    private static final int NODE_CACHE_ENTRIES = 16_384;

    private final DatabaseReader city;
    private final DatabaseReader country;
    private final DatabaseReader asn;
    private final double grid;
    private final AtomicBoolean lookupFailureLogged = new AtomicBoolean();

    private GeoIpEnricher(DatabaseReader city, DatabaseReader country, DatabaseReader asn, double grid) {
        this.city = city;
        this.country = country;
        this.asn = asn;
        this.grid = grid;
    }

    /** From {@code geoip.dir} on the {@code geoip.coordinate-grid}. */
    public static GeoIpEnricher open(EnrichmentConfig config) {
        return open(config.geoipDir(), config.coordinateGrid());
    }

    /** Opens what is there in {@code dir}; never throws for missing or broken files. */
    public static GeoIpEnricher open(Path dir, double coordinateGrid) {
        if (!(coordinateGrid > 0)) {
            throw new IllegalArgumentException("coordinate grid must be positive: " + coordinateGrid);
        }
        List<String> problems = new ArrayList<>();
        DatabaseReader city = openReader(dir.resolve(CITY_DB), problems);
        // The Country database only matters when City (a superset) is absent.
        DatabaseReader country = city == null ? openReader(dir.resolve(COUNTRY_DB), problems) : null;
        DatabaseReader asn = openReader(dir.resolve(ASN_DB), problems);
        if (!problems.isEmpty()) {
            List<String> empty = new ArrayList<>();
            if (city == null) {
                empty.addAll(country == null ? List.of("city", "country", "continent", "latitude", "longitude")
                        : List.of("city", "latitude", "longitude"));
            }
            if (asn == null) {
                empty.addAll(List.of("asn", "as_org"));
            }
            LOG.warn("GeoIP: {}; these columns stay empty: {} (scripts/setup.sh geoip installs the databases)",
                    String.join("; ", problems), String.join(", ", empty));
        }
        return new GeoIpEnricher(city, country, asn, coordinateGrid);
    }

    private static DatabaseReader openReader(Path file, List<String> problems) {
        if (!Files.isRegularFile(file)) {
            problems.add(file + " is missing");
            return null;
        }
        try {
            return new DatabaseReader.Builder(file.toFile()).withCache(new CHMCache(NODE_CACHE_ENTRIES)).build();
        } catch (IOException | RuntimeException e) {
            problems.add(file + " cannot be opened (" + e.getMessage() + ")");
            return null;
        }
    }

    public boolean hasCity() {
        return city != null;
    }

    public boolean hasAsn() {
        return asn != null;
    }

    /** Network plus geo and AS columns; {@code domain} and {@code client} are left null for {@link PeerEnricher}. */
    public Enrichment lookup(InetAddress address) {
        String network = Networks.truncate(address);
        String cityName = null;
        String countryCode = null;
        String continentCode = null;
        Double lat = null;
        Double lon = null;
        Long asNumber = null;
        String asOrg = null;
        try {
            if (city != null) {
                Optional<CityResponse> r = city.tryCity(address);
                if (r.isPresent()) {
                    CityResponse c = r.get();
                    cityName = c.city() == null ? null : c.city().names().get("en");
                    countryCode = isoCode(c.country());
                    continentCode = code(c.continent());
                    Location l = c.location();
                    if (l != null && l.latitude() != null && l.longitude() != null) {
                        lat = round(l.latitude());
                        lon = round(l.longitude());
                    }
                }
            } else if (country != null) {
                Optional<CountryResponse> r = country.tryCountry(address);
                if (r.isPresent()) {
                    countryCode = isoCode(r.get().country());
                    continentCode = code(r.get().continent());
                }
            }
            if (asn != null) {
                Optional<AsnResponse> r = asn.tryAsn(address);
                if (r.isPresent()) {
                    asNumber = r.get().autonomousSystemNumber();
                    asOrg = r.get().autonomousSystemOrganization();
                }
            }
        } catch (IOException | com.maxmind.geoip2.exception.GeoIp2Exception | RuntimeException e) {
            // A corrupt record must not stop evaluation; keep what was found so far.
            if (lookupFailureLogged.compareAndSet(false, true)) {
                LOG.warn("GeoIP lookup failed (further failures are not logged): {}", e.toString());
            }
        }
        return new Enrichment(network, cityName, countryCode, continentCode, lat, lon, asNumber, asOrg, null, null);
    }

    private static String isoCode(Country c) {
        return c == null ? null : c.isoCode();
    }

    private static String code(Continent c) {
        return c == null ? null : c.code();
    }

    /** To the nearest grid point; the second rounding removes binary noise such as 52.300000000000004. */
    double round(double degrees) {
        double snapped = Math.round(degrees / grid) * grid;
        return Math.round(snapped * 1e6) / 1e6;
    }

    @Override
    public void close() {
        for (DatabaseReader r : new DatabaseReader[] {city, country, asn}) {
            if (r != null) {
                try {
                    r.close();
                } catch (IOException e) {
                    LOG.debug("closing GeoIP database", e);
                }
            }
        }
    }
}
