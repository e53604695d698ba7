package org.btda.evaluator.enrich;

import java.util.Objects;

/**
 * What is attached to an observation about a peer's whereabouts and software, derived while the address is still in
 * memory. Holds no address: {@code network} is the /24 (IPv4) or /48 (IPv6) from
 * {@link org.btda.common.net.Networks#truncate}, coordinates are rounded to a city-level grid, and {@code domain} is the
 * registered domain of the reverse name (e.g. {@code comcast.net}), never the full host name, which often embeds the
 * address. GeoLite2's terms forbid using the data to identify individuals; these columns describe populations.
 *
 * <p>Every column except {@code network} may be {@code null} = unknown (no database, no record, no reverse name yet).
 *
 * @param network   truncated network, never null
 * @param city      English city name
 * @param country   ISO 3166-1 alpha-2 country code
 * @param continent two-letter continent code (EU, NA, ...)
 * @param latitude  rounded to the configured grid
 * @param longitude rounded to the configured grid
 * @param asn       autonomous system number
 * @param asOrg     autonomous system organisation
 * @param domain    registered domain of the reverse DNS name
 * @param client    client name and version from the peer id / BEP 10 {@code v}
 */
public record Enrichment(String network, String city, String country, String continent, Double latitude, Double longitude,
                         Long asn, String asOrg, String domain, String client) {

    public Enrichment {
        Objects.requireNonNull(network, "network");
    }

    /** Only the network known. */
    public static Enrichment networkOnly(String network) {
        return new Enrichment(network, null, null, null, null, null, null, null, null, null);
    }

    public Enrichment withDomain(String domain) {
        return new Enrichment(network, city, country, continent, latitude, longitude, asn, asOrg, domain, client);
    }

    public Enrichment withClient(String client) {
        return new Enrichment(network, city, country, continent, latitude, longitude, asn, asOrg, domain, client);
    }
}
