package org.btda.streams;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the processor remembers about one (torrent, peer). Mutable, owned by one stream task at a time, and
 * persisted through {@link PeerStateSerde}. Holds no plaintext address: the endpoint is kept sealed.
 */
final class PeerState {
    /** At most this many piece-count samples are kept; see {@link PeerHistory#add}. */
    static final int MAX_SAMPLES = 256;

    /** A successful contact with a known piece count. */
    record Sample(long at, int pieces) {}

    byte[] sealedEndpoint;          // AES-GCM sealed PeerEndpoint, null when never learned (incoming peer without one)
    int identity;                   // IdentityKind ordinal, from the latest observation
    int firstSource;                // PeerSource ordinal
    int sourcesMask;                // bit per PeerSource ordinal
    long firstSeenAt;
    int discoveries;
    int duplicates;

    long firstContactAt = -1;       // -1 = none
    Integer firstPieces;
    long lastContactAt = -1;
    Integer lastPieces;
    int totalPieces;
    long pieceLength;
    long maxSpeedBps;
    int contacts;
    int failures;
    int consecutiveFailures;
    boolean parked;
    String client;
    String network;
    // enrichment, latest non-null value from successful observations (a peer's network/geo/ASN rarely changes)
    String city;
    String country;                 // ISO 3166-1 alpha-2
    String continent;
    Double latitude;                // already rounded to geoip.coordinate-grid by the evaluator
    Double longitude;
    Long asn;
    String asOrg;
    String domain;                  // registered domain only, never the host name
    String address;                 // plain address: set ONLY with privacy.store-addresses=true, otherwise always null

    final List<Sample> samples = new ArrayList<>();   // sorted by time, distinct times

    long crossedAt = -1;            // -1 = no confirmed download yet
    long lastBelowAt;
    int piecesBelow;
    int piecesAtCrossing;
    long confirmedVersion;

    FileProgress files;             // multi-file torrents with per-file counts (Observation v5), else null

    long dueAt = -1;                // next contact (key DueKeys.of(dueAt, peer ref) in the due store), -1 = not scheduled
    int nextAttempt;
    String outstandingRequestId;    // last request issued and not yet answered
    long summaryVersion;

    boolean scheduled() {
        return dueAt >= 0;
    }

    boolean confirmed() {
        return crossedAt >= 0;
    }
}
