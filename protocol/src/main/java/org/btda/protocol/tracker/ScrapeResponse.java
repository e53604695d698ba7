package org.btda.protocol.tracker;

/** Scrape counts of one torrent; any may be null when the tracker did not send it. */
public record ScrapeResponse(Integer seeders, Integer leechers, Integer completed) {
}
