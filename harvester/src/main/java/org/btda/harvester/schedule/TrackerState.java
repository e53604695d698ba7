package org.btda.harvester.schedule;

import java.net.URI;

/** Per (torrent, tracker) announce state. Touched only on the scheduler thread. */
final class TrackerState {
    final URI url;
    int failures;
    long retryAtNanos;
    boolean started;
    String trackerId;

    TrackerState(URI url) {
        this.url = url;
    }
}
