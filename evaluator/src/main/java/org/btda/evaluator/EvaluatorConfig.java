package org.btda.evaluator;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

import org.btda.common.config.Settings;
import org.btda.common.net.Networks;
import org.btda.evaluator.contact.EncryptionPolicy;
import org.btda.evaluator.contact.TransportMode;

/**
 * Everything the evaluator reads from settings, as plain values, so the contact engine can be built in tests and
 * benchmarks without a settings file.
 *
 * @param maxSessions      ceiling on sessions in flight (evaluator.max-sessions); above it partitions are paused
 * @param connectTimeout   TCP connect timeout (evaluator.connect-timeout)
 * @param quietTimeout     a session ends when the peer has been quiet this long (network.timeout); reset by each message
 * @param sessionCap       hard ceiling on one session's duration (evaluator.session-cap), whatever the peer does
 * @param maxMessages      a session ends after this many messages (evaluator.max-messages)
 * @param maxFrameBytes    largest peer-wire frame accepted; bigger length prefixes are FRAME_TOO_LARGE
 * @param bindAddress      local address to dial from, or null (evaluator.bind-address)
 * @param staleAfter       requests older than this (by due_at) are not dialled (evaluator.stale-after)
 * @param instanceId       written into every observation (evaluator.instance-id, default random)
 * @param ioThreads        Netty event-loop threads (evaluator.io-threads, 0 = Netty default)
 * @param encryption       MSE/PE policy of outgoing contacts (evaluator.encryption)
 * @param mseMaxHandshakes MSE handshakes in progress at once (evaluator.mse-max-handshakes)
 * @param pieceGrace       a session ends this long after the piece count became known (evaluator.piece-grace)
 * @param transport        TCP, uTP or both, and in which order (evaluator.transport)
 * @param holepunch        BEP 55 introductions through relays (evaluator.holepunch); acts only with a uTP socket
 */
public record EvaluatorConfig(int maxSessions, Duration connectTimeout, Duration quietTimeout, Duration sessionCap,
                              int maxMessages, int maxFrameBytes, InetAddress bindAddress, Duration staleAfter,
                              String instanceId, int ioThreads, EncryptionPolicy encryption, int mseMaxHandshakes,
                              Duration pieceGrace, TransportMode transport, boolean holepunch) {

    public EvaluatorConfig {
        if (maxSessions < 1) throw new IllegalArgumentException("evaluator.max-sessions must be >= 1");
        if (maxMessages < 1) throw new IllegalArgumentException("evaluator.max-messages must be >= 1");
        if (maxFrameBytes < 16) throw new IllegalArgumentException("max frame too small");
        Objects.requireNonNull(connectTimeout);
        Objects.requireNonNull(quietTimeout);
        Objects.requireNonNull(sessionCap);
        Objects.requireNonNull(staleAfter);
        Objects.requireNonNull(instanceId);
        Objects.requireNonNull(encryption);
        Objects.requireNonNull(transport);
        if (mseMaxHandshakes < 1) throw new IllegalArgumentException("evaluator.mse-max-handshakes must be >= 1");
        Objects.requireNonNull(pieceGrace);
        if (pieceGrace.isNegative()) throw new IllegalArgumentException("evaluator.piece-grace must be >= 0");
    }

    /**
     * The registry's defaults ({@link Settings#defaults()}), the values production runs with unless configured: the
     * settings registry is the one source of defaults. Tests that need other values say so with the withers.
     */
    public static EvaluatorConfig defaults() {
        return from(Settings.defaults());
    }

    /** The evaluator's settings; the instance id is evaluator.instance-id, or random per process when empty (several instances may share one settings file). */
    public static EvaluatorConfig from(Settings s) {
        String bind = s.get(Settings.EVALUATOR_BIND_ADDRESS);
        return new EvaluatorConfig(s.get(Settings.EVALUATOR_MAX_SESSIONS), s.get(Settings.EVALUATOR_CONNECT_TIMEOUT),
                s.get(Settings.NETWORK_TIMEOUT), s.get(Settings.EVALUATOR_SESSION_CAP), s.get(Settings.EVALUATOR_MAX_MESSAGES),
                s.get(Settings.EVALUATOR_MAX_FRAME_BYTES), bind == null || bind.isBlank() ? null : Networks.parseLiteral(bind),
                s.get(Settings.EVALUATOR_STALE_AFTER), instanceId(s.get(Settings.EVALUATOR_INSTANCE_ID)), 0,
                EncryptionPolicy.parse(s.get(Settings.EVALUATOR_ENCRYPTION)), s.get(Settings.EVALUATOR_MSE_MAX_HANDSHAKES),
                s.get(Settings.EVALUATOR_PIECE_GRACE), TransportMode.parse(s.get(Settings.EVALUATOR_TRANSPORT)),
                s.get(Settings.EVALUATOR_HOLEPUNCH));
    }

    /** evaluator.instance-id when set (stable dashboards across restarts), otherwise random per process. */
    static String instanceId(String configured) {
        return configured == null || configured.isBlank() ? randomInstanceId() : configured.strip();
    }

    public static String randomInstanceId() {
        return "evaluator-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public EvaluatorConfig withMaxSessions(int v) {
        return new EvaluatorConfig(v, connectTimeout, quietTimeout, sessionCap, maxMessages, maxFrameBytes, bindAddress, staleAfter, instanceId, ioThreads, encryption, mseMaxHandshakes, pieceGrace, transport, holepunch);
    }

    public EvaluatorConfig withTimeouts(Duration connect, Duration quiet, Duration cap) {
        return new EvaluatorConfig(maxSessions, connect, quiet, cap, maxMessages, maxFrameBytes, bindAddress, staleAfter, instanceId, ioThreads, encryption, mseMaxHandshakes, pieceGrace, transport, holepunch);
    }

    public EvaluatorConfig withMaxMessages(int v) {
        return new EvaluatorConfig(maxSessions, connectTimeout, quietTimeout, sessionCap, v, maxFrameBytes, bindAddress, staleAfter, instanceId, ioThreads, encryption, mseMaxHandshakes, pieceGrace, transport, holepunch);
    }

    public EvaluatorConfig withBindAddress(InetAddress v) {
        return new EvaluatorConfig(maxSessions, connectTimeout, quietTimeout, sessionCap, maxMessages, maxFrameBytes, v, staleAfter, instanceId, ioThreads, encryption, mseMaxHandshakes, pieceGrace, transport, holepunch);
    }

    public EvaluatorConfig withStaleAfter(Duration v) {
        return new EvaluatorConfig(maxSessions, connectTimeout, quietTimeout, sessionCap, maxMessages, maxFrameBytes, bindAddress, v, instanceId, ioThreads, encryption, mseMaxHandshakes, pieceGrace, transport, holepunch);
    }

    public EvaluatorConfig withInstanceId(String v) {
        return new EvaluatorConfig(maxSessions, connectTimeout, quietTimeout, sessionCap, maxMessages, maxFrameBytes, bindAddress, staleAfter, v, ioThreads, encryption, mseMaxHandshakes, pieceGrace, transport, holepunch);
    }

    public EvaluatorConfig withIoThreads(int v) {
        return new EvaluatorConfig(maxSessions, connectTimeout, quietTimeout, sessionCap, maxMessages, maxFrameBytes, bindAddress, staleAfter, instanceId, v, encryption, mseMaxHandshakes, pieceGrace, transport, holepunch);
    }

    public EvaluatorConfig withEncryption(EncryptionPolicy v) {
        return new EvaluatorConfig(maxSessions, connectTimeout, quietTimeout, sessionCap, maxMessages, maxFrameBytes, bindAddress, staleAfter, instanceId, ioThreads, v, mseMaxHandshakes, pieceGrace, transport, holepunch);
    }

    public EvaluatorConfig withMseMaxHandshakes(int v) {
        return new EvaluatorConfig(maxSessions, connectTimeout, quietTimeout, sessionCap, maxMessages, maxFrameBytes, bindAddress, staleAfter, instanceId, ioThreads, encryption, v, pieceGrace, transport, holepunch);
    }

    public EvaluatorConfig withPieceGrace(Duration v) {
        return new EvaluatorConfig(maxSessions, connectTimeout, quietTimeout, sessionCap, maxMessages, maxFrameBytes, bindAddress, staleAfter, instanceId, ioThreads, encryption, mseMaxHandshakes, v, transport, holepunch);
    }

    public EvaluatorConfig withTransport(TransportMode v) {
        return new EvaluatorConfig(maxSessions, connectTimeout, quietTimeout, sessionCap, maxMessages, maxFrameBytes, bindAddress, staleAfter, instanceId, ioThreads, encryption, mseMaxHandshakes, pieceGrace, v, holepunch);
    }

    public EvaluatorConfig withHolepunch(boolean v) {
        return new EvaluatorConfig(maxSessions, connectTimeout, quietTimeout, sessionCap, maxMessages, maxFrameBytes, bindAddress, staleAfter, instanceId, ioThreads, encryption, mseMaxHandshakes, pieceGrace, transport, v);
    }
}
