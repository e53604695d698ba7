package org.btda.evaluator.enrich;

import java.io.Closeable;
import java.net.InetAddress;
import org.btda.protocol.client.ClientIds;

/**
 * Everything the evaluator attaches to an observation about a peer, computed while the address is still in memory
 * and before anything is stored: truncated network, GeoLite2 city/country/continent/grid coordinates/AS, the
 * registered domain of the reverse name if already known, and the client name. Never blocks: GeoIP is a local
 * memory-mapped read, reverse DNS is only read from the cache (a miss starts a background query whose answer the
 * peer's next observation picks up).
 *
 * <p>Thread-safe.
 */
public final class PeerEnricher implements Closeable {
    private final GeoIpEnricher geo;
    private final ReverseDnsEnricher dns;

    /** @param dns {@code null} when reverse DNS is switched off ({@code dns.enabled=false}) */
    public PeerEnricher(GeoIpEnricher geo, ReverseDnsEnricher dns) {
        this.geo = geo;
        this.dns = dns;
    }

    /** Opens the GeoLite2 databases from {@code geoip.dir} and, if {@code dns.enabled}, starts the reverse resolver. */
    public static PeerEnricher create(EnrichmentConfig config) {
        GeoIpEnricher geo = GeoIpEnricher.open(config);
        try {
            ReverseDnsEnricher dns = config.dnsEnabled() ? ReverseDnsEnricher.create(config) : null;
            return new PeerEnricher(geo, dns);
        } catch (RuntimeException e) {
            geo.close();
            throw e;
        }
    }

    /** Without client information (before the handshake, or for contacts that failed). */
    public Enrichment enrich(InetAddress address) {
        Enrichment e = geo.lookup(address);
        return dns == null ? e : e.withDomain(dns.domainIfKnown(address).orElse(null));
    }

    /**
     * @param peerId the peer's 20-byte id from the handshake, or {@code null}
     * @param bep10V the BEP 10 {@code v} string, or {@code null}
     */
    public Enrichment enrich(InetAddress address, byte[] peerId, String bep10V) {
        Enrichment e = enrich(address);
        if (peerId == null && bep10V == null) {
            return e;
        }
        String fromId = peerId == null ? null : ClientIds.describe(peerId);
        return e.withClient(ClientIds.withExtension(fromId, bep10V));
    }

    /** The reverse resolver, or {@code null} when switched off; for statistics. */
    public ReverseDnsEnricher reverseDns() {
        return dns;
    }

    @Override
    public void close() {
        if (dns != null) {
            dns.close();
        }
        geo.close();
    }
}
