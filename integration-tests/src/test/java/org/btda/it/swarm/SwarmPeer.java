package org.btda.it.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** One BitTorrent client of the swarm, as later tests see it. */
public interface SwarmPeer {
    /** LATE_LEECHER: started by a test after the swarm was up ({@link Swarm#startLateLeecher}). */
    enum Role { SEEDER, LEECHER, HALF_LEECHER, LATE_LEECHER }

    /** Unique name in this swarm, also the log/work sub-directory, e.g. "leecher-qbittorrent". */
    String name();

    /** Implementation as a human would name it, e.g. "qBittorrent 4.5.2". */
    String implementation();

    Role role();

    /** Address and TCP port the client listens on for peer connections (each client has its own IP). */
    InetSocketAddress peerAddress();

    /** Download limit configured in the client, bytes per second; 0 = unlimited. */
    long downloadLimitBytesPerSecond();

    /** Fraction of the torrent verified and held, 0.0 .. 1.0, as the client itself reports it. */
    double progress() throws IOException, InterruptedException;

    /**
     * Trackers this client announces to: every tier for Transmission and qBittorrent; only the first tracker that
     * answers for aria2, rtorrent and ctorrent (the fixture hands those torrents with different tracker orders).
     */
    java.util.List<SwarmTracker> announcesTo();

    /** The client's console log (clients with their own log file write it next to this one). */
    Path log();
}
