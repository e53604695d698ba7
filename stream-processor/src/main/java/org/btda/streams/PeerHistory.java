package org.btda.streams;

import java.util.List;

/**
 * Order-independent rules over a peer's piece-count samples: the confirmed download and the maximum speed. Every
 * result is a function of the SET of samples seen, never of their arrival order, so observations from several
 * evaluators arriving late or replayed converge to the same answer.
 */
final class PeerHistory {
    private PeerHistory() {}

    /** What {@link #add} changed. */
    record Change(boolean newSample, boolean confirmationChanged) {}

    /**
     * Adds a successful contact with a known piece count, updates the speed maximum and re-derives the confirmed
     * download. Two samples at the same millisecond keep the larger count, so duplicates are harmless.
     */
    static Change add(PeerState s, long at, int pieces, StreamsSettings cfg) {
        List<PeerState.Sample> list = s.samples;
        int i = insertionPoint(list, at);
        if (i < list.size() && list.get(i).at() == at) {
            if (list.get(i).pieces() >= pieces) return new Change(false, false);
            list.set(i, new PeerState.Sample(at, pieces));
        } else {
            list.add(i, new PeerState.Sample(at, pieces));
        }
        updateSpeed(s, at, pieces, cfg);
        boolean changed = confirm(s, cfg);
        prune(s);
        return new Change(true, changed);
    }

    /**
     * Max speed = max over every pair of samples at least {@code speedMinInterval} apart of pieces gained × piece
     * length / elapsed. Pairs with the new sample are enough: the maximum over all older pairs is already stored.
     */
    private static void updateSpeed(PeerState s, long at, int pieces, StreamsSettings cfg) {
        if (s.pieceLength <= 0) return;
        long min = Math.max(1, cfg.speedMinInterval().toMillis());
        for (PeerState.Sample o : s.samples) {
            long earlier = Math.min(o.at(), at), later = Math.max(o.at(), at);
            long elapsed = later - earlier;
            if (elapsed < min) continue;
            int gained = (o.at() < at) ? pieces - o.pieces() : o.pieces() - pieces;
            if (gained <= 0) continue;
            long bps = (long) ((double) gained * s.pieceLength * 1000.0 / elapsed);
            if (bps > s.maxSpeedBps) s.maxSpeedBps = bps;
        }
    }

    /**
     * A confirmed download needs a sample known below the threshold followed by one at or above it. With b0 the
     * earliest sample below: crossing = earliest at/above sample after b0; last below = latest below sample before
     * the crossing. Returns true when the row (crossing, last below, counts) differs from what was emitted before.
     */
    static boolean confirm(PeerState s, StreamsSettings cfg) {
        if (s.totalPieces <= 0) return false;
        long b0 = -1;
        for (PeerState.Sample x : s.samples) {
            if (!cfg.atOrAbove(x.pieces(), s.totalPieces)) { b0 = x.at(); break; }
        }
        if (b0 < 0) return false;
        PeerState.Sample crossing = null, lastBelow = null;
        for (PeerState.Sample x : s.samples) {
            if (x.at() < b0) continue;
            if (cfg.atOrAbove(x.pieces(), s.totalPieces)) {
                if (x.at() > b0) { crossing = x; break; }
            } else {
                lastBelow = x;
            }
        }
        if (crossing == null) return false;
        boolean changed = s.crossedAt != crossing.at() || s.lastBelowAt != lastBelow.at()
                || s.piecesBelow != lastBelow.pieces() || s.piecesAtCrossing != crossing.pieces();
        if (changed) {
            s.crossedAt = crossing.at();
            s.lastBelowAt = lastBelow.at();
            s.piecesBelow = lastBelow.pieces();
            s.piecesAtCrossing = crossing.pieces();
            s.confirmedVersion++;
        }
        return changed;
    }

    /**
     * Keeps the state bounded. Samples after the crossing can never change it again (the crossing only moves
     * earlier), so they go first; then the second oldest, which keeps the earliest sample below the threshold.
     */
    private static void prune(PeerState s) {
        List<PeerState.Sample> list = s.samples;
        while (list.size() > PeerState.MAX_SAMPLES && s.confirmed() && list.get(list.size() - 1).at() > s.crossedAt) {
            list.remove(list.size() - 1);
        }
        while (list.size() > PeerState.MAX_SAMPLES) list.remove(1);
    }

    private static int insertionPoint(List<PeerState.Sample> list, long at) {
        int lo = 0, hi = list.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).at() < at) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
