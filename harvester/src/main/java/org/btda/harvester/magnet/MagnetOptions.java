package org.btda.harvester.magnet;

import java.net.InetAddress;
import java.time.Duration;

/**
 * Bounds of one metadata fetch.
 *
 * @param maxParallelPeers peers asked at the same time (each downloads on its own, see {@link MagnetResolver})
 * @param maxMetadataSize  a larger {@code metadata_size} is refused before anything is allocated
 * @param connectTimeout   TCP connect timeout
 * @param idleTimeout      a peer silent this long (e.g. ignoring a request) is dropped
 * @param totalTimeout     the whole resolution fails after this
 * @param bindAddress      local address for the connections, or null for any; where every peer is a local address (a test
 *                         namespace) an unbound socket would take the peer's own address, which clients drop as a
 *                         connection to themselves
 */
public record MagnetOptions(int maxParallelPeers, int maxMetadataSize, Duration connectTimeout, Duration idleTimeout,
        Duration totalTimeout, InetAddress bindAddress) {
    public static final MagnetOptions DEFAULT = new MagnetOptions(4, 8 << 20, Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofMinutes(2));

    public MagnetOptions {
        if (maxParallelPeers < 1 || maxMetadataSize < 1) {
            throw new IllegalArgumentException("invalid magnet options");
        }
    }

    public MagnetOptions(int maxParallelPeers, int maxMetadataSize, Duration connectTimeout, Duration idleTimeout,
            Duration totalTimeout) {
        this(maxParallelPeers, maxMetadataSize, connectTimeout, idleTimeout, totalTimeout, null);
    }

    public MagnetOptions withBindAddress(InetAddress address) {
        return new MagnetOptions(maxParallelPeers, maxMetadataSize, connectTimeout, idleTimeout, totalTimeout, address);
    }
}
