package org.btda.harvester;

import java.time.Instant;
import org.btda.protocol.metainfo.InfoHash;

/** One magnet resolution attempt: how many candidate peers were asked, and the error if none delivered. */
public record MetadataOutcome(InfoHash infoHash, Instant startedAt, long durationMs, int candidates, String error) {
}
