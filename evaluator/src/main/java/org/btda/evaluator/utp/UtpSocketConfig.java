package org.btda.evaluator.utp;

import java.time.Duration;

import org.btda.protocol.utp.UtpLimits;

/**
 * The bounds of one uTP socket. Constants of the transport, not settings: they follow from BEP 29 and from what btda
 * sends (a handshake and a few small messages), not from a study's needs.
 *
 * @param maxConnections     connections in the socket's table (both directions); SYNs beyond it are refused
 * @param maxPerAddress      accepted connections from one IP address
 * @param maxPayload         DATA payload bytes per packet (below any path MTU in use)
 * @param maxInFlight        unacked packets per connection
 * @param reorderPackets     how far ahead of the last in-order packet DATA is accepted (receive window, in packets)
 * @param receiveWindowBytes the window we advertise and the most bytes we hold out of order
 * @param initialTimeout     first retransmission timeout; doubles on each timeout up to {@code maxTimeout}
 * @param maxTransmissions   transmissions of one packet before the connection is given up
 * @param halfOpenTimeout    an accepted connection that sent no data within this is reset (SYN floods)
 * @param limits             packet decoder limits
 */
public record UtpSocketConfig(int maxConnections, int maxPerAddress, int maxPayload, int maxInFlight, int reorderPackets,
                              int receiveWindowBytes, Duration initialTimeout, Duration maxTimeout, int maxTransmissions,
                              Duration halfOpenTimeout, UtpLimits limits) {

    public static final UtpSocketConfig DEFAULT = new UtpSocketConfig(4096, 8, 1200, 32, 64, 64 * 1024,
            Duration.ofMillis(1000), Duration.ofSeconds(8), 6, Duration.ofSeconds(10), new UtpLimits(8192, 8, 128));

    public UtpSocketConfig {
        if (maxConnections < 1 || maxPerAddress < 1 || maxInFlight < 1 || maxTransmissions < 1) {
            throw new IllegalArgumentException("uTP ceilings must be >= 1");
        }
        if (maxPayload < 64 || maxPayload > limits.maxPacketBytes() - 64) throw new IllegalArgumentException("maxPayload");
        if (reorderPackets < 1 || reorderPackets > 1024) throw new IllegalArgumentException("reorderPackets in 1..1024");
    }

    /**
     * This config with a connection table large enough for {@code sessions} contacts in flight: a closed connection
     * stays in the table until its FIN is acked, so at full load closing entries sit beside the open ones.
     */
    public UtpSocketConfig forSessions(int sessions) {
        return withMaxConnections(Math.max(maxConnections, 2 * sessions), maxPerAddress);
    }

    public UtpSocketConfig withHalfOpenTimeout(Duration d) {
        return new UtpSocketConfig(maxConnections, maxPerAddress, maxPayload, maxInFlight, reorderPackets, receiveWindowBytes,
                initialTimeout, maxTimeout, maxTransmissions, d, limits);
    }

    public UtpSocketConfig withMaxConnections(int total, int perAddress) {
        return new UtpSocketConfig(total, perAddress, maxPayload, maxInFlight, reorderPackets, receiveWindowBytes,
                initialTimeout, maxTimeout, maxTransmissions, halfOpenTimeout, limits);
    }
}
