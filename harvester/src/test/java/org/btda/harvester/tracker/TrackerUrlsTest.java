package org.btda.harvester.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The BEP 48 scrape URL convention (moved here from the response parser's tests, which now live in protocol/). */
class TrackerUrlsTest {
    @Test
    void scrapeUrlConvention() {
        assertThat(TrackerUrls.scrapeUrl(URI.create("http://t.example/announce"))).contains(URI.create("http://t.example/scrape"));
        assertThat(TrackerUrls.scrapeUrl(URI.create("http://t.example/x/announce.php?pk=1"))).contains(URI.create("http://t.example/x/scrape.php?pk=1"));
        assertThat(TrackerUrls.scrapeUrl(URI.create("http://t.example/a"))).isEmpty();
        assertThat(TrackerUrls.scrapeUrl(URI.create("http://t.example/announce/x"))).isEmpty();
    }
}
