package org.btda.harvester.schedule;

import java.net.URI;
import java.time.Instant;
import org.btda.events.HarvestKind;
import org.btda.harvester.tracker.AnnounceResponse;
import org.btda.harvester.tracker.ScrapeResponse;
import org.btda.protocol.metainfo.InfoHash;

/** The result of one announce or scrape: exactly one of {@code announce}, {@code scrape}, {@code error} is set. */
public record TrackerOutcome(InfoHash infoHash, URI tracker, HarvestKind kind, Instant startedAt, long durationMs,
        AnnounceResponse announce, ScrapeResponse scrape, String error) {
}
