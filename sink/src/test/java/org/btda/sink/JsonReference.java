package org.btda.sink;

import org.btda.events.ConfirmedDownload;
import org.btda.events.Discovery;
import org.btda.events.EvaluatorStatsRecord;
import org.btda.events.HarvestRequest;
import org.btda.events.Observation;
import org.btda.events.PeerSummary;
import org.btda.events.TorrentRegistered;

/**
 * The JSONEachRow rows the sink wrote before it wrote RowBinary (SinkTable as of commit 1e4a56f), kept unchanged as the
 * reference: {@code RowBinaryRoundTripTest} inserts the same records both ways and requires identical tables.
 */
final class JsonReference {
    private JsonReference() {
    }

    static String torrents(TorrentRegistered t) {
        return new JsonLine()
                .str("info_hash", t.getInfoHash()).str("name", t.getName())
                .num("piece_length", t.getPieceLength()).num("piece_count", t.getPieceCount())
                .num("total_size", t.getTotalSize()).num("file_count", t.getFileCount())
                .bool("private", t.getPrivate$())
                .tiers("trackers", t.getTrackers())
                .str("source", t.getSource().name()).str("origin", t.getOrigin())
                .bool("monitored", t.getMonitored()).time("event_time", t.getEventTime())
                // the latest registration event wins
                .num("version", t.getEventTime().toEpochMilli())
                .files("files", t.getFiles())
                .end();
    }

    /** Never the sealed endpoint: observation rows carry no address in any form. */
    static String observations(Observation o) {
        return new JsonLine()
                .str("request_id", o.getRequestId() == null ? "" : o.getRequestId())
                .str("info_hash", o.getInfoHash()).str("peer_key", o.getPeerKey())
                .str("identity", o.getIdentity().name()).time("observed_at", o.getObservedAt())
                .str("source", o.getSource().name()).bool("success", o.getSuccess())
                .str("failure", o.getFailure() == null ? null : o.getFailure().name())
                .str("failure_detail", o.getFailureDetail())
                .num("pieces", o.getPieces()).num("total_pieces", o.getTotalPieces()).num("piece_length", o.getPieceLength())
                .hex("peer_id", o.getPeerId()).str("client", o.getClient()).hex("reserved", o.getReserved())
                .str("ext_client", o.getExtClient()).num("ext_listen_port", o.getExtListenPort())
                .num("ext_reqq", o.getExtReqq()).num("ext_metadata_size", o.getExtMetadataSize())
                .intMap("ext_messages", o.getExtMessages())
                .num("messages_received", o.getMessagesReceived()).num("session_ms", o.getSessionMs())
                .num("longest_gap_ms", o.getLongestGapMs()).str("network", o.getNetwork()).str("evaluator", o.getEvaluator())
                // enrichment (v3); address only when the evaluator was told privacy.store-addresses=true
                .str("city", o.getCity()).str("country", o.getCountry()).str("continent", o.getContinent())
                .num("latitude", o.getLatitude()).num("longitude", o.getLongitude()).num("asn", o.getAsn())
                .str("as_org", o.getAsOrg()).str("domain", o.getDomain()).str("address", o.getAddress())
                // v4: how the contact was carried
                .str("transport", o.getTransport() == null ? null : o.getTransport().name())
                .str("encryption", o.getEncryption() == null ? null : o.getEncryption().name())
                .bool("holepunch", o.getHolepunch())
                .end();
    }

    static String harvestRequests(HarvestRequest h) {
        return new JsonLine()
                .str("id", h.getId()).str("info_hash", h.getInfoHash()).str("kind", h.getKind().name())
                .str("target", h.getTarget()).time("started_at", h.getStartedAt()).num("duration_ms", h.getDurationMs())
                .num("peers_received", h.getPeersReceived()).num("peers_new", h.getPeersNew())
                .num("duplicates", h.getDuplicates()).num("nodes_queried", h.getNodesQueried()).str("error", h.getError())
                .num("seeders", h.getSeeders()).num("leechers", h.getLeechers()).num("completed", h.getCompleted())
                .end();
    }

    static String fileDownloads(org.btda.events.FileDownload d) {
        return new JsonLine()
                .str("info_hash", d.getInfoHash()).str("peer_key", d.getPeerKey()).num("file_index", d.getFileIndex())
                .str("file_path", d.getFilePath()).num("file_size", d.getFileSize()).num("file_pieces", d.getFilePieces())
                .str("client", d.getClient()).time("crossed_at", d.getCrossedAt()).time("last_below_at", d.getLastBelowAt())
                .num("threshold", d.getThreshold()).num("version", d.getVersion())
                .end();
    }

    static String confirmedDownloads(ConfirmedDownload c) {
        return new JsonLine()
                .str("info_hash", c.getInfoHash()).str("peer_key", c.getPeerKey()).str("client", c.getClient())
                .time("crossed_at", c.getCrossedAt()).time("last_below_at", c.getLastBelowAt())
                .num("pieces_below", c.getPiecesBelow()).num("pieces_at_crossing", c.getPiecesAtCrossing())
                .num("total_pieces", c.getTotalPieces()).num("threshold", c.getThreshold()).num("version", c.getVersion())
                .end();
    }

    /** btda.peers: first/last seen are the first sighting and the latest successful contact (or the first sighting). */
    static String peers(PeerSummary p) {
        return new JsonLine()
                .str("info_hash", p.getInfoHash()).str("peer_key", p.getPeerKey())
                .time("first_seen_at", p.getFirstSeenAt()).num("first_pieces", p.getFirstPieces())
                .time("last_seen_at", p.getLastContactAt() != null ? p.getLastContactAt() : p.getFirstSeenAt())
                .num("last_pieces", p.getLastPieces()).num("total_pieces", p.getTotalPieces())
                .num("max_speed_bps", (double) p.getMaxSpeedBps()).num("contacts", p.getContacts())
                .num("failures", p.getFailures()).strings("sources", p.getSources()).str("client", p.getClient())
                .str("network", p.getNetwork()).str("identity", p.getIdentity().name()).bool("parked", p.getParked())
                .str("city", p.getCity()).str("country", p.getCountry()).str("continent", p.getContinent())
                .num("latitude", p.getLatitude()).num("longitude", p.getLongitude()).num("asn", p.getAsn())
                .str("as_org", p.getAsOrg()).str("domain", p.getDomain()).str("address", p.getAddress())
                .num("version", p.getVersion())
                .end();
    }

    /** btda.evaluator_stats: one row per record; (instance, time) is the natural key, so a redelivery folds away. */
    static String evaluatorStats(EvaluatorStatsRecord r) {
        return new JsonLine()
                .time("time", r.getTime()).str("instance", r.getInstance()).num("interval_ms", r.getIntervalMs())
                .num("backlog", r.getBacklog()).num("sessions_in_flight", r.getSessionsInFlight())
                .num("ceiling", r.getCeiling()).num("incoming_in_flight", r.getIncomingInFlight())
                .num("mean_session_ms", r.getMeanSessionMs()).num("max_session_ms", r.getMaxSessionMs())
                .num("mean_longest_gap_ms", r.getMeanLongestGapMs()).num("max_longest_gap_ms", r.getMaxLongestGapMs())
                .num("contacts_total", r.getContactsTotal()).num("successes_total", r.getSuccessesTotal())
                .num("failures_total", r.getFailuresTotal()).num("observations_total", r.getObservationsTotal())
                .num("dropped_total", r.getDroppedTotal()).num("failed_first_total", r.getFailedFirstTotal())
                .num("failed_later_total", r.getFailedLaterTotal())
                .num("incoming_evaluated_total", r.getIncomingEvaluatedTotal())
                .num("incoming_refused_total", r.getIncomingRefusedTotal())
                .num("unique_incoming_peers", r.getUniqueIncomingPeers())
                .end();
    }

    static String discoveries(Discovery d) {
        return new JsonLine()
                .str("info_hash", d.getInfoHash()).str("peer_key", d.getPeerKey()).str("source", d.getSource().name())
                .str("tracker", d.getTracker()).time("discovered_at", d.getDiscoveredAt())
                .num("is_new", d.getIsNew() ? 1 : 0)
                .end();
    }
}
