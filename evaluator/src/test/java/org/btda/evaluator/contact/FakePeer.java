package org.btda.evaluator.contact;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted, in-process stand-in peer on 127.0.0.1 for behaviours no real client shows (garbage, lies, stalling).
 * Blocking sockets and a thread per connection: fine for a test fixture that sees a handful of connections.
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

        /** Everything the evaluator sends until it closes (bounded by the socket timeout). */
        public byte[] readToEnd() throws IOException {
            InputStream s = in;
            return s.readNBytes(1 << 16);
        }

        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    public final AtomicInteger accepted = new AtomicInteger();
    final CopyOnWriteArrayList<Throwable> errors = new CopyOnWriteArrayList<>();
    final CopyOnWriteArrayList<byte[]> received = new CopyOnWriteArrayList<>();

    public FakePeer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    Thread t = new Thread(() -> {
                        try (s) {
                            s.setSoTimeout(30_000);
                            script.run(new Conn(s));
                        } catch (Exception e) {
                            errors.add(e);
                        }
                    }, "fake-peer-conn");
                    t.setDaemon(true);
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

    @Override
    public void close() throws IOException {
        server.close();
    }
}
