package org.btda.protocol.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real libtorrent (Debian python3-libtorrent) peer on 127.0.0.1 run by {@code wire/lt_peer.py}: it creates its own
 * random payload and torrent, and either seeds it or holds none of it.
 */
final class LibtorrentPeer implements AutoCloseable {
    static final String DEBIAN_PYTHON = "/usr/bin/python3";

    private final Process process;
    final InetSocketAddress address;
    final byte[] infoHash;
    final int totalPieces;
    /** Pieces libtorrent itself reports having. */
    final int piecesHeld;

    private LibtorrentPeer(Process process, String readyLine) {
        this.process = process;
        String[] f = readyLine.trim().split(" ");
        if (f.length != 5 || !f[0].equals("READY")) {
            throw new IllegalStateException("unexpected helper output: " + readyLine);
        }
        this.address = new InetSocketAddress("127.0.0.1", Integer.parseInt(f[1]));
        this.infoHash = HexFormat.of().parseHex(f[2]);
        this.totalPieces = Integer.parseInt(f[3]);
        this.piecesHeld = Integer.parseInt(f[4]);
    }

    /** Where and what to probe. */
    record Remote(InetSocketAddress address, byte[] infoHash, int totalPieces) {
    }

    static LibtorrentPeer start(Path workDir, boolean seed) throws IOException, InterruptedException {
        Path script = workDir.resolve("lt_peer.py");
        try (InputStream in = LibtorrentPeer.class.getResourceAsStream("/wire/lt_peer.py")) {
            Files.copy(in, script);
        }
        Process p = new ProcessBuilder(DEBIAN_PYTHON, script.toString(), workDir.toString(), seed ? "seed" : "empty")
                .redirectError(workDir.resolve("stderr.txt").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            String ready = line.get(60, TimeUnit.SECONDS);
            if (ready == null) {
                throw new IllegalStateException("libtorrent helper exited: "
                        + Files.readString(workDir.resolve("stderr.txt")));
            }
            return new LibtorrentPeer(p, ready);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("libtorrent helper did not start", e);
        }
    }

    /**
     * Makes libtorrent dial us (an incoming connection from btda's point of view); without {@code plaintext} it uses
     * its default policy, which starts with an MSE-encrypted handshake.
     */
    void connectTo(int port, boolean plaintext) throws IOException {
        process.getOutputStream().write(("connect " + port + (plaintext ? " plain" : " default") + "\n").getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close(); // the helper exits when stdin closes
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
