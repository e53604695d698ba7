package org.btda.evaluator.enrich;

import java.nio.file.Path;

/** Test GeoLite2 databases for tests outside this package: loopback (where test peers live) as Amsterdam, AS 64500. */
public final class GeoFixtures {
    private GeoFixtures() {
    }

    public static void writeLoopbackCityAndAsn(Path dir) throws Exception {
        TestGeoDatabases.write("GeoLite2-City", """
                [{"network": "127.0.0.0/8", "data": {
                   "city": {"geoname_id": 2759794, "names": {"en": "Amsterdam"}},
                   "continent": {"code": "EU", "geoname_id": 6255148, "names": {"en": "Europe"}},
                   "country": {"iso_code": "NL", "geoname_id": 2750405, "names": {"en": "Netherlands"}},
                   "location": {"latitude": 52.3676, "longitude": 4.9041, "accuracy_radius": 20, "time_zone": "Europe/Amsterdam"}}}]
                """, dir.resolve(GeoIpEnricher.CITY_DB));
        TestGeoDatabases.write("GeoLite2-ASN", """
                [{"network": "127.0.0.0/8", "data": {"autonomous_system_number": 64500, "autonomous_system_organization": "Example Transit NL"}}]
                """, dir.resolve(GeoIpEnricher.ASN_DB));
    }
}
