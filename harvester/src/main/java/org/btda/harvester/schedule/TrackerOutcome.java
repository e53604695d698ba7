package org.btda.harvester.schedule;

import java.net.URI;
import java.time.Instant;
import org.btda.events.HarvestKind;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.tracker.AnnounceResponse;
import org.btda.protocol.tracker.ScrapeResponse;

/** The result of one announce or scrape: exactly one of {@code announce}, {@code scrape}, {@code error} is set. */
public record TrackerOutcome(InfoHash infoHash, URI tracker, HarvestKind kind, Instant startedAt, long durationMs,
        AnnounceResponse announce, ScrapeResponse scrape, String error) {
}
