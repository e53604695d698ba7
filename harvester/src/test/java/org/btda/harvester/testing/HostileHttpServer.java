package org.btda.harvester.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately misbehaving HTTP "tracker" on 127.0.0.1 for behaviour real trackers never show (garbage, silence,
 * closing mid-response, oversized bodies). Test-only: one accept thread, connections served one at a time.
 */
public final class HostileHttpServer implements AutoCloseable {
    /** What to do with an accepted connection after its request head was read. */
    @FunctionalInterface
    public interface Behaviour {
        void respond(OutputStream out) throws IOException, InterruptedException;
    }

    /**
     * Never answers: blocks until {@link #close()} (which interrupts it). A client can only get out by its own timeout,
     * however slow the machine, where a fixed sleep would end on its own and race the timeout under test.
     */
    public static final Behaviour SILENT = out -> new java.util.concurrent.CountDownLatch(1).await();

    private final ServerSocket server;
    private final Thread thread;
    private final List<Socket> open = new ArrayList<>();
    private final List<String> requests = new ArrayList<>();

    public HostileHttpServer(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    synchronized (open) {
                        open.add(s);
                    }
                    String head = readHead(s.getInputStream());
                    synchronized (requests) {
                        requests.add(head);
                    }
                    behaviour.respond(s.getOutputStream());
                } catch (IOException | InterruptedException e) {
                    // closed, or the client went away
                }
            }
        }, "hostile-http");
        thread.setDaemon(true);
        thread.start();
    }

    public static Behaviour body(byte[] body) {
        return out -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            out.close();
        };
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && sb.length() < 16384) {
            sb.append((char) c);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }

    public String announceUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/announce";
    }

    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt(); // ends a SILENT behaviour
        synchronized (open) {
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
