package org.btda.evaluator.contact;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted, in-process stand-in peer on 127.0.0.1 for behaviours no real client shows (garbage, lies, stalling).
 * Blocking sockets and a thread per connection: fine for a test fixture that sees a handful of connections.
 *
 * <p>A script that throws (a failed assertion, an unexpected end of stream, a read timeout) fails the test:
 * {@link #close()} hangs up the connections still open, waits for their scripts and rethrows what they threw. A script
 * whose peer may hang up on it mid-way (the evaluator ends hostile sessions) says so with {@link Conn#sendUnlessClosed}.
 */
public final class FakePeer implements AutoCloseable {

    public interface Script {
        void run(Conn c) throws Exception;
    }

    /** One accepted connection, with what the evaluator sent recorded. */
    public static final class Conn {
        public final Socket socket;
        public final DataInputStream in;
        public final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        public byte[] readHandshake() throws IOException {
            byte[] b = new byte[68];
            in.readFully(b);
            return b;
        }

        public void send(byte[] b) throws IOException {
            out.write(b);
            out.flush();
        }

        /**
         * Sends unless the evaluator has hung up (the expected end of a hostile script): false once the connection
         * is gone, so the script can stop.
         */
        public boolean sendUnlessClosed(byte[] b) {
            try {
                send(b);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /**
         * Everything the evaluator sends until it closes or resets the connection (it resets hostile peers), at most
         * 64 KiB; a read timeout (30 s) is an error.
         */
        public byte[] readToEnd() throws IOException {
            InputStream s = in;
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; got.size() < (1 << 16) && (n = s.read(buf, 0, Math.min(buf.length, (1 << 16) - got.size()))) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketException e) { // a read timeout is no SocketException: it still fails the script
                // connection reset by the evaluator: the end of the stream for this script
            }
            return got.toByteArray();
        }

        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    public final AtomicInteger accepted = new AtomicInteger();
    private final CopyOnWriteArrayList<Throwable> errors = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Thread> scripts = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Set by close(): what scripts throw after it is the hang-up's doing, not theirs. */
    private volatile boolean closing;

    public FakePeer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(s);
                    Thread t = new Thread(() -> {
                        try (s) {
                            s.setSoTimeout(30_000);
                            script.run(new Conn(s));
                        } catch (Throwable e) {
                            if (!closing) errors.add(e);
                        }
                    }, "fake-peer-conn");
                    t.setDaemon(true);
                    scripts.add(t);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "fake-peer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /**
     * Stops accepting, lets the scripts end by themselves (up to 3 s: by then the evaluator has usually hung up), hangs
     * up on those still running, and fails with the scripts' errors, if any.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        acceptor.join(5_000);
        long grace = System.nanoTime() + 3_000_000_000L;
        for (Thread t : scripts) t.join(Math.max(1, (grace - System.nanoTime()) / 1_000_000));
        closing = true; // what scripts throw from here on is the hang-up's doing, not theirs
        for (Socket s : sockets) s.close();
        for (Thread t : scripts) t.interrupt(); // a script sleeping between sends
        for (Thread t : scripts) {
            t.join(5_000);
            if (t.isAlive()) throw new AssertionError("fake peer script still running 5 s after hang-up: " + t);
        }
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("fake peer script failed: " + errors.get(0), errors.get(0));
            errors.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }
}
