package org.btda.it.cluster;

import com.sun.net.httpserver.HttpServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.metainfo.Metainfo;

/**
 * A synthetic swarm on 127.0.0.1 whose progress the test dictates: one torrent, an HTTP tracker that hands out every
 * peer, and peers that answer btda's handshake with their own and a {@code bitfield} of the pieces the test gave them at
 * that moment, then stay quiet until btda hangs up (as a real client does that has nothing to say). So "who finished"
 * is known exactly: a peer whose count the test raises from below the threshold to the total is a finisher.
 */
public final class LoopbackSwarm implements AutoCloseable {
    private static final int PIECE_LENGTH = 16384;
    private static final byte[] PROTOCOL = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);

    private final int totalPieces;
    private final byte[] infoHash;
    private final String infoHashHex;
    private final byte[] torrentFile;
    private final HttpServer tracker;
    private final List<Peer> peers = new ArrayList<>();
    private final ExecutorService sessions = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-peer");
        t.setDaemon(true);
        return t;
    });

    /** A peer of the swarm; {@link #pieces(int)} changes what its next contact reports. */
    public static final class Peer {
        private final String name;
        private final ServerSocket socket;
        private volatile int pieces;
        private final AtomicInteger contacts = new AtomicInteger();

        Peer(String name, int pieces) throws IOException {
            this.name = name;
            this.pieces = pieces;
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        }

        public String name() {
            return name;
        }

        public InetSocketAddress address() {
            return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
        }

        public void pieces(int count) {
            this.pieces = count;
        }

        public int contacts() {
            return contacts.get();
        }
    }

    public LoopbackSwarm(int totalPieces) throws IOException {
        this.totalPieces = totalPieces;
        this.tracker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        tracker.createContext("/announce", ex -> {
            byte[] body = announceAnswer();
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        tracker.setExecutor(sessions);
        tracker.start();

        byte[] pieceHashes = new byte[20 * totalPieces];
        new Random(totalPieces).nextBytes(pieceHashes);
        Map<String, Object> info = new TreeMap<>();
        info.put("length", (long) totalPieces * PIECE_LENGTH);
        info.put("name", "cluster-test.bin");
        info.put("piece length", (long) PIECE_LENGTH);
        info.put("pieces", pieceHashes);
        Map<String, Object> torrent = new TreeMap<>();
        torrent.put("announce", "http://127.0.0.1:" + tracker.getAddress().getPort() + "/announce");
        torrent.put("info", info);
        this.torrentFile = Bencode.encode(torrent);
        Metainfo meta = Metainfo.parse(torrentFile);
        this.infoHashHex = meta.infoHash().hex();
        this.infoHash = meta.infoHash().bytes();
    }

    /** Adds a listening peer that reports {@code pieces} until told otherwise. */
    public synchronized Peer addPeer(String name, int pieces) throws IOException {
        Peer p = new Peer(name, pieces);
        peers.add(p);
        sessions.execute(() -> accept(p));
        return p;
    }

    public synchronized List<Peer> peers() {
        return List.copyOf(peers);
    }

    public String infoHashHex() {
        return infoHashHex;
    }

    public int totalPieces() {
        return totalPieces;
    }

    public Path writeTorrent(Path dir) throws IOException {
        return Files.write(Files.createDirectories(dir).resolve("cluster-test.torrent"), torrentFile);
    }

    private synchronized byte[] announceAnswer() {
        ByteBuffer compact = ByteBuffer.allocate(6 * peers.size());
        for (Peer p : peers) {
            compact.put(p.address().getAddress().getAddress()).putShort((short) p.address().getPort());
        }
        Map<String, Object> answer = new TreeMap<>();
        answer.put("interval", 10L);
        answer.put("peers", compact.array());
        return Bencode.encode(answer);
    }

    private void accept(Peer p) {
        while (!p.socket.isClosed()) {
            try {
                Socket s = p.socket.accept();
                sessions.execute(() -> serve(p, s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Handshake, bitfield, then silence until btda closes (bounded by a read timeout). */
    private void serve(Peer p, Socket s) {
        try (s) {
            s.setSoTimeout(120_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] hs = new byte[68];
            in.readFully(hs);
            if (hs[0] != 19 || !Arrays.equals(Arrays.copyOfRange(hs, 28, 48), infoHash)) {
                return;
            }
            OutputStream out = s.getOutputStream();
            out.write(handshake(p));
            out.write(bitfield(p.pieces));
            out.flush();
            p.contacts.incrementAndGet();
            InputStream raw = s.getInputStream();
            byte[] sink = new byte[4096];
            while (raw.read(sink) >= 0) {
                // drain whatever btda says (extension handshake, interested, keep-alive) until it hangs up
            }
        } catch (IOException e) {
            // btda reset the connection or timed out: this session is over either way
        }
    }

    private byte[] handshake(Peer p) {
        ByteBuffer b = ByteBuffer.allocate(68);
        b.put((byte) 19).put(PROTOCOL).put(new byte[8]).put(infoHash);
        byte[] id = String.format("-LS0001-%012d", p.socket.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
        b.put(id, 0, 20);
        return b.array();
    }

    private byte[] bitfield(int have) {
        byte[] bits = new byte[(totalPieces + 7) / 8];
        for (int i = 0; i < have; i++) {
            bits[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return ByteBuffer.allocate(5 + bits.length).putInt(1 + bits.length).put((byte) 5).put(bits).array();
    }

    @Override
    public void close() throws IOException {
        tracker.stop(0);
        for (Peer p : peers()) {
            p.socket.close();
        }
        sessions.shutdownNow();
        try {
            sessions.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
