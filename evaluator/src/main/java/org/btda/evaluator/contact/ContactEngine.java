package org.btda.evaluator.contact;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import org.btda.evaluator.EvaluatorConfig;
import org.btda.evaluator.EvaluatorStats;
import org.btda.evaluator.utp.UtpSocket;
import org.btda.events.FailureReason;
import org.btda.events.Transport;
import org.btda.protocol.client.PeerIds;
import org.btda.protocol.mse.MseCounters;
import org.btda.protocol.wire.WireCounters;

/**
 * Dials peers and runs one {@link SessionHandler} per contact on a few Netty event loops: thousands of sessions, no
 * thread per peer. {@link #contact} never throws and its future never fails: every contact ends in a
 * {@link ContactResult}, success or failure with a reason.
 *
 * <p>Each contact is plaintext or MSE/PE-encrypted by {@link EncryptionPolicy}; a peer that hangs up before its
 * handshake is retried once the other way (one contact, at most two connections, one result). Each contact is
 * carried over TCP or uTP (BEP 29) by {@link TransportPolicy}; when the first transport never reached the peer's
 * BitTorrent side, the other one is tried the same way (so at most four connections per contact).
 *
 * <p>The engine itself does not queue: callers keep {@link #inFlight()} under {@code evaluator.max-sessions}
 * (the Kafka service pauses partitions); a contact beyond the ceiling is answered OVERLOADED without dialling.
 */
public final class ContactEngine implements AutoCloseable {

    private final EvaluatorConfig config;
    private final EvaluatorStats stats;
    private final Predicate<InetAddress> doNotContact;
    private final Predicate<InetSocketAddress> self;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final SessionWiring wiring;
    private final WireCounters wireCounters = new WireCounters();
    private final InetSocketAddress localAddress;
    /** Per-endpoint encryption knowledge for evaluator.encryption=learn; bounded, forgets the least recently used. */
    private final EncryptionMemory memory = new EncryptionMemory(MEMORY_CAPACITY);
    static final int MEMORY_CAPACITY = 100_000;
    /** null when contacts use TCP only */
    private final UtpSocket utp;
    private final Bootstrap utpBootstrap;
    /** Per-endpoint transport hints (PEX flag 0x04, what worked last); bounded like the encryption memory. */
    private final TransportMemory transports = new TransportMemory(MEMORY_CAPACITY);
    /** null when BEP 55 is off */
    private final Holepunch holepunch;

    public ContactEngine(EvaluatorConfig config, EvaluatorStats stats, Predicate<InetAddress> doNotContact) {
        this(config, stats, doNotContact, a -> false, null);
    }

    /** TCP and, when {@code utp} is not null, uTP contacts; nothing is treated as our own endpoint. */
    public ContactEngine(EvaluatorConfig config, EvaluatorStats stats, Predicate<InetAddress> doNotContact, UtpSocket utp) {
        this(config, stats, doNotContact, a -> false, utp);
    }

    /**
     * @param self our own listen endpoint (any local address): never dialled, whoever asked for it; answered
     *             DO_NOT_CONTACT (the peer is parked) and counted
     */
    public ContactEngine(EvaluatorConfig config, EvaluatorStats stats, Predicate<InetAddress> doNotContact,
                         Predicate<InetSocketAddress> self) {
        this(config, stats, doNotContact, self, null);
    }

    /**
     * @param self our own listen endpoint (see above)
     * @param utp  the evaluator's uTP socket (shared with the listener), or null: every contact then uses TCP
     */
    public ContactEngine(EvaluatorConfig config, EvaluatorStats stats, Predicate<InetAddress> doNotContact,
                         Predicate<InetSocketAddress> self, UtpSocket utp) {
        this(config, stats, doNotContact, self, utp, null);
    }

    /**
     * @param holepunch BEP 55 bookkeeping shared with the uTP socket's acceptor, or null (off); used only with
     *                  {@code utp}: contacts that cannot connect become candidates, uTP sessions with peers that
     *                  advertise ut_holepunch ask them to relay
     */
    public ContactEngine(EvaluatorConfig config, EvaluatorStats stats, Predicate<InetAddress> doNotContact,
                         Predicate<InetSocketAddress> self, UtpSocket utp, Holepunch holepunch) {
        this.config = config;
        this.holepunch = utp == null ? null : holepunch;
        this.self = self;
        this.utp = utp;
        this.stats = stats;
        this.doNotContact = doNotContact;
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(), Transports.ioHandlerFactory());
        SessionWiring base = SessionWiring.of(config, PeerIds.generate(), wireCounters);
        // the engine only dials: sessions that came about through a relay are accepted ones (not followed here)
        this.wiring = this.holepunch == null ? base : base.withHolepunch(this.holepunch, utp.localAddress().getPort(), 0, 0);
        this.localAddress = config.bindAddress() == null ? null : new InetSocketAddress(config.bindAddress(), 0);
        this.bootstrap = new Bootstrap().group(group).channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                // sessions receive a bitfield and a few small messages: small buffers keep 10k+ sessions cheap
                .option(ChannelOption.SO_RCVBUF, 32 * 1024)
                .option(ChannelOption.SO_SNDBUF, 16 * 1024)
                .option(ChannelOption.SO_REUSEADDR, true);
        this.utpBootstrap = utp == null ? null : new Bootstrap().group(utp.eventLoop()).channelFactory(utp::newChannel)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
    }

    /**
     * The bind address serves peers of its own family only: an IPv4 address cannot reach an IPv6 peer (nor the other way
     * round), so those are dialled from the address the system picks rather than not at all.
     */
    private boolean dialsFromBindAddress(ContactTarget target) {
        return localAddress != null
                && localAddress.getAddress().getClass() == target.address().getAddress().getClass();
    }

    public CompletableFuture<ContactResult> contact(ContactTarget target) {
        if (self.test(target.address())) {
            stats.selfSkipped();
            return completedWithout(target, FailureReason.DO_NOT_CONTACT, "our own listen endpoint");
        }
        if (doNotContact.test(target.address().getAddress())) {
            return completedWithout(target, FailureReason.DO_NOT_CONTACT, "address on the do-not-contact list");
        }
        if (stats.inFlight() >= config.maxSessions()) {
            return completedWithout(target, FailureReason.OVERLOADED, "sessions in flight at evaluator.max-sessions");
        }
        InetSocketAddress peer = target.address();
        String infoHashHex = HexFormat.of().formatHex(target.infoHash());
        List<Transport> order = TransportPolicy.order(config.transport(), transports.preferred(peer), utp != null,
                transports.utpWorthTrying(peer), holepunch != null && holepunch.wantsRelay(infoHashHex));
        CompletableFuture<ContactResult> result = over(target, order.get(0));
        if (order.size() > 1) {
            result = result.thenCompose(first -> !TransportPolicy.retryOther(first) || !isAlive()
                    ? CompletableFuture.completedFuture(first)
                    : over(target, order.get(1)).thenApply(second -> TransportPolicy.report(first, second)));
        }
        // callers get the counted future: whoever sees a contact's result also sees it in the stats
        return result.thenApply(r -> {
            if (r.peerId() != null) transports.worked(target.address(), r.transport());
            if (holepunch != null && TransportPolicy.unreachable(r.failure())) holepunch.unreachable(infoHashHex, target.address());
            stats.contactCompleted(r.failure());
            return r;
        });
    }

    /**
     * The contact over one transport: plaintext or encrypted first by the encryption policy, and once the other way
     * after a hang-up before the handshake (on either transport: a peer flagged as preferring encryption may only
     * speak plaintext, and only over the second transport tried).
     */
    private CompletableFuture<ContactResult> over(ContactTarget target, Transport transport) {
        EncryptionPolicy policy = config.encryption();
        boolean encryptedFirst = policy.encryptedFirst(memory.encrypted(target.address()));
        return attempt(target, encryptedFirst, transport).thenApply(first -> {
            if (TransportPolicy.utpConnectFailed(first)) transports.utpFailedToConnect(target.address());
            return first;
        }).thenCompose(first -> {
            if (!policy.retries() || !EncryptionPolicy.worthRetrying(first) || !isAlive()) {
                return CompletableFuture.completedFuture(first);
            }
            // the retry's result when it got the peer's handshake; else the first attempt's, which is the contact
            return attempt(target, !encryptedFirst, transport).thenApply(retry -> retry.peerId() != null ? retry
                    : first.withFailureDetail(first.failureDetail() + "; retried " + (encryptedFirst ? "plaintext" : "encrypted")
                            + ": " + retry.failure()));
        });
    }

    /** One connection in one mode; its future never fails. Teaches the memory what worked and what PEX hinted. */
    private CompletableFuture<ContactResult> attempt(ContactTarget target, boolean encrypted, Transport transport) {
        stats.sessionStarted();
        Session session = new Session(target, this::sessionFinished);
        session.transport = transport;
        session.transportMemory = transports;
        CompletableFuture<ContactResult> learned = session.future().thenApply(r -> {
            if (r.peerId() != null) memory.worked(target.address(), encrypted);
            for (InetSocketAddress a : session.pexPrefersEncryption) memory.prefersEncryption(a);
            return r;
        });
        try {
            Bootstrap b = (transport == Transport.UTP ? utpBootstrap : bootstrap).clone()
                    .handler(new SessionInitializer(session, wiring, encrypted));
            // uTP connections all leave from the shared socket's address
            ChannelFuture f = transport != Transport.UTP && dialsFromBindAddress(target)
                    ? b.connect(target.address(), localAddress) : b.connect(target.address());
            f.addListener((ChannelFuture cf) -> {
                if (!cf.isSuccess()) {
                    session.fail(FailureClassifier.connectFailure(cf.cause()), String.valueOf(cf.cause().getMessage()));
                    // a channel that never became active gets no channelInactive: finish here (idempotent)
                    if (cf.channel().eventLoop().inEventLoop()) session.finish();
                    else cf.channel().eventLoop().execute(session::finish);
                }
            });
        } catch (RuntimeException e) {
            // e.g. event loop shut down, channel could not be created (file descriptors)
            session.fail(FailureReason.OVERLOADED, String.valueOf(e.getMessage()));
            session.finish();
        }
        return learned;
    }

    private CompletableFuture<ContactResult> completedWithout(ContactTarget target, FailureReason reason, String detail) {
        stats.contactCompleted(reason);
        return CompletableFuture.completedFuture(ContactResult.notDialled(target, reason, detail));
    }

    private void sessionFinished() {
        stats.sessionEnded();
    }

    /** False once the event loops are shutting down: no contact can be made any more. */
    public boolean isAlive() {
        return !group.isShuttingDown();
    }

    public int inFlight() {
        return stats.inFlight();
    }

    /** BEP 55 bookkeeping, or null when off. */
    public Holepunch holepunch() {
        return holepunch;
    }

    public MseCounters mseCounters() {
        return wiring.mseCounters();
    }

    public WireCounters wireCounters() {
        return wireCounters;
    }

    public EvaluatorConfig config() {
        return config;
    }

    /** Transport hints learned from PEX and earlier contacts. */
    public TransportMemory transportMemory() {
        return transports;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
