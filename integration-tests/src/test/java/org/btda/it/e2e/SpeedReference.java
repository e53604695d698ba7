package org.btda.it.e2e;

import java.time.Duration;
import java.util.List;
import org.btda.it.swarm.Swarm;

/**
 * The client's own download rate, from the fixture's progress samples (what the client itself reports every 2 s), by
 * the definition btda uses for max speed: the largest gain over any two samples at least {@code window} apart, per
 * second. Used as the reference when a client stays well below its configured limit.
 */
final class SpeedReference {
    private SpeedReference() {
    }

    static double maxRate(List<Swarm.Sample> samples, String peer, long totalBytes, Duration window) {
        List<Swarm.Sample> mine = samples.stream().filter(s -> s.peer().equals(peer)).toList();
        double best = 0;
        for (int i = 0; i < mine.size(); i++) {
            for (int j = i + 1; j < mine.size(); j++) {
                Duration dt = Duration.between(mine.get(i).at(), mine.get(j).at());
                if (dt.compareTo(window) < 0) {
                    continue;
                }
                double gained = (mine.get(j).progress() - mine.get(i).progress()) * totalBytes;
                best = Math.max(best, gained / (dt.toMillis() / 1000.0));
            }
        }
        return best;
    }
}
