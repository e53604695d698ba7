package org.btda.it.swarm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** The swarm's one torrent: random payload (fresh per run, so no stale data can fake a download) and its metainfo. */
public record SwarmTorrent(Path torrentFile, Path payload, String name, String infoHashHex, long totalSize,
                           int pieceLength, int pieceCount, List<String> announceUrls) {

    public static SwarmTorrent create(Path dir, long size, int pieceLengthLog2, List<String> announceUrls)
            throws IOException, InterruptedException {
        return create(dir, size, pieceLengthLog2, announceUrls, "");
    }

    /**
     * A torrent of its own random payload; {@code suffix} (e.g. "-2") tells further torrents of the same swarm apart. All
     * payloads live in one seed-data dir, so one seeder serves them all from the same download dir.
     */
    static SwarmTorrent create(Path dir, long size, int pieceLengthLog2, List<String> announceUrls, String suffix)
            throws IOException, InterruptedException {
        Path dataDir = Files.createDirectories(dir.resolve("seed-data"));
        String name = "btda-swarm-payload" + suffix + ".bin";
        Path payload = dataDir.resolve(name);
        writeRandom(payload, size);
        Path torrent = dir.resolve("swarm" + suffix + ".torrent");
        mktorrent(payload, name, pieceLengthLog2, announceUrls, torrent);
        byte[] meta = Files.readAllBytes(torrent);
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) ((Map<String, Object>) MiniBencode.decode(meta)).get("info");
        int pieceLength = Math.toIntExact((Long) info.get("piece length"));
        int pieceCount = ((byte[]) info.get("pieces")).length / 20;
        String hash = HexFormat.of().formatHex(sha1(MiniBencode.infoSpan(meta)));
        return new SwarmTorrent(torrent, payload, name, hash, size, pieceLength, pieceCount, List.copyOf(announceUrls));
    }

    /**
     * The same torrent (same info dict, so the same info hash) with another announce-list. Several clients (aria2,
     * rtorrent, ctorrent) announce only to the first tracker that answers, so giving them different orders spreads
     * them over both trackers. mktorrent's info dict is deterministic for the same file and piece length.
     */
    SwarmTorrent withAnnounceOrder(Path file, List<String> urls) throws IOException, InterruptedException {
        mktorrent(payload, name, Integer.numberOfTrailingZeros(pieceLength), urls, file);
        String hash = HexFormat.of().formatHex(sha1(MiniBencode.infoSpan(Files.readAllBytes(file))));
        if (!hash.equals(infoHashHex)) {
            throw new IllegalStateException("re-made torrent has info hash " + hash + ", expected " + infoHashHex);
        }
        return new SwarmTorrent(file, payload, name, infoHashHex, totalSize, pieceLength, pieceCount, List.copyOf(urls));
    }

    private static void mktorrent(Path payload, String name, int pieceLengthLog2, List<String> announceUrls, Path torrent)
            throws IOException, InterruptedException {
        Path dir = torrent.getParent();
        List<String> cmd = new ArrayList<>(List.of("mktorrent", "-d", "-l", Integer.toString(pieceLengthLog2), "-n", name,
                "-o", torrent.toString(), "-c", "btda swarm fixture"));
        // One tier per URL: BEP 12 clients announce to one tracker per tier, and we want both trackers to see peers.
        for (String url : announceUrls) {
            cmd.add("-a");
            cmd.add(url);
        }
        cmd.add(payload.toString());
        Files.deleteIfExists(torrent);
        Path log = dir.resolve(torrent.getFileName() + ".mktorrent.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("mktorrent failed, see " + log);
        }
    }

    /** The info hash as raw bytes, for tracker requests and wire handshakes. */
    public byte[] infoHash() {
        return HexFormat.of().parseHex(infoHashHex);
    }

    private static void writeRandom(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(System.nanoTime());
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += buf.length) {
                for (int i = 0; i < buf.length; i += 8) {
                    long r = random.nextLong();
                    for (int j = 0; j < 8; j++) {
                        buf[i + j] = (byte) (r >>> (8 * j));
                    }
                }
                out.write(buf, 0, (int) Math.min(buf.length, size - written));
            }
        }
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
