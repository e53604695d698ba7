package org.btda.streams;

import org.btda.events.Observation;
import org.btda.events.PeerSummary;

/**
 * Carries the enrichment of observations (client, network, geo, ASN, domain, and the address only on explicit opt-in)
 * into {@link PeerState} and from there into every {@link PeerSummary}. Only the latest non-null value of each field is
 * kept: a peer's network and location normally do not change, and one value per field keeps the state small. A
 * null in an observation (a failed lookup, an evaluator without GeoIP data) never erases what is known.
 */
final class PeerEnrichment {
    /** Longest text kept per field; GeoLite2 names and registered domains are far shorter. */
    static final int MAX_TEXT = 256;

    private PeerEnrichment() {}

    /**
     * Takes the enrichment of a successful observation.
     *
     * @param newest         the observation is the latest contact so far: its non-null values replace the kept ones;
     *                       an older one (arriving out of order) only fills fields still unknown
     * @param storeAddresses privacy.store-addresses; when off the address never enters the state
     */
    static void apply(PeerState s, Observation o, boolean newest, boolean storeAddresses) {
        s.client = pick(s.client, clip(o.getClient()), newest);
        s.network = pick(s.network, clip(o.getNetwork()), newest);
        s.city = pick(s.city, clip(o.getCity()), newest);
        s.country = pick(s.country, clip(o.getCountry()), newest);
        s.continent = pick(s.continent, clip(o.getContinent()), newest);
        // coordinates only as a pair, so a location is never half from one lookup and half from another
        if (o.getLatitude() != null && o.getLongitude() != null && (newest || s.latitude == null || s.longitude == null)) {
            s.latitude = o.getLatitude();
            s.longitude = o.getLongitude();
        }
        s.asn = pick(s.asn, o.getAsn(), newest);
        s.asOrg = pick(s.asOrg, clip(o.getAsOrg()), newest);
        s.domain = pick(s.domain, clip(o.getDomain()), newest);
        s.address = storeAddresses ? pick(s.address, clip(o.getAddress()), newest) : null;
    }

    /** Copies the kept enrichment into a summary (the address is null unless it was opted in when it was kept). */
    static PeerSummary.Builder fill(PeerSummary.Builder b, PeerState s) {
        return b.setClient(s.client).setNetwork(s.network).setCity(s.city).setCountry(s.country).setContinent(s.continent)
                .setLatitude(s.latitude).setLongitude(s.longitude).setAsn(s.asn).setAsOrg(s.asOrg).setDomain(s.domain)
                .setAddress(s.address);
    }

    private static <T> T pick(T kept, T observed, boolean newest) {
        if (observed == null) return kept;
        return newest || kept == null ? observed : kept;
    }

    /** The discovered endpoint's address as text (as observations carry it), or null when it is malformed. */
    static String address(org.btda.events.PeerEndpoint e) {
        java.nio.ByteBuffer b = e.getAddress().duplicate();
        byte[] raw = new byte[b.remaining()];
        b.get(raw);
        try {
            return org.btda.common.net.Networks.format(java.net.InetAddress.getByAddress(raw)); // raw bytes: no DNS
        } catch (java.net.UnknownHostException ex) {
            return null;
        }
    }

    static String clip(String v) {
        return v == null || v.length() <= MAX_TEXT ? v : v.substring(0, MAX_TEXT);
    }
}
