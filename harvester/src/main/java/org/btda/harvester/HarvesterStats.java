package org.btda.harvester;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one harvester; read by status lines and tests. */
public final class HarvesterStats {
    public final AtomicLong torrentsRegistered = new AtomicLong();
    public final AtomicLong torrentsUnregistered = new AtomicLong();
    public final AtomicLong malformedFiles = new AtomicLong();
    public final AtomicLong announces = new AtomicLong();
    public final AtomicLong announceErrors = new AtomicLong();
    public final AtomicLong scrapes = new AtomicLong();
    public final AtomicLong scrapeErrors = new AtomicLong();
    public final AtomicLong peersPublished = new AtomicLong();
    public final AtomicLong peersNew = new AtomicLong();
    public final AtomicLong filteredSelf = new AtomicLong();
    public final AtomicLong filteredDoNotContact = new AtomicLong();
    public final AtomicLong publishErrors = new AtomicLong();
    public final AtomicLong dhtLookups = new AtomicLong();
    public final AtomicLong dhtLookupErrors = new AtomicLong();
    public final AtomicLong magnetsAdded = new AtomicLong();
    public final AtomicLong magnetsResolved = new AtomicLong();
    /** Lines of magnets.file that are not usable magnet links (each counted once). */
    public final AtomicLong magnetsInvalid = new AtomicLong();
    public final AtomicLong metadataAttempts = new AtomicLong();
    public final AtomicLong metadataErrors = new AtomicLong();

    @Override
    public String toString() {
        return "torrents=" + (torrentsRegistered.get() - torrentsUnregistered.get()) + " malformed=" + malformedFiles
                + " announces=" + announces + " (errors " + announceErrors + ") scrapes=" + scrapes + " (errors " + scrapeErrors
                + ") peers=" + peersPublished + " new=" + peersNew + " self=" + filteredSelf + " dnc=" + filteredDoNotContact + " dht=" + dhtLookups + " (errors " + dhtLookupErrors
                + ") magnets=" + magnetsAdded + " resolved=" + magnetsResolved + " invalid=" + magnetsInvalid
                + " metadata=" + metadataAttempts + " (errors " + metadataErrors + ")";
    }
}
