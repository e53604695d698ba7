package org.btda.it.swarm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Enhanced CTorrent. It has no query API short of CTCS, so progress comes from its status line
 * "- 1/2/6 [have/total/available] ..." in the console log: the last complete one is the current state.
 */
final class CtorrentPeer extends ClientPeer {
    private static final Pattern STATUS = Pattern.compile("\\[(\\d+)/(\\d+)/(\\d+)\\]");
    private static final int TAIL = 4096;

    CtorrentPeer(String name, Role role, InetSocketAddress peer, long limitBytesPerSecond, Path dir) {
        super(name, role, peer, limitBytesPerSecond, dir);
    }

    @Override
    public String implementation() {
        return ClientVersion.of("Enhanced CTorrent", "ctorrent", "-h");
    }

    @Override
    void start(SwarmTorrent torrent) throws IOException, InterruptedException {
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        // -e: hours to keep seeding after completion (longer than any test run); -D: download limit in KiB/s.
        process = ManagedProcess.start(name(), dir, log(), List.of("ctorrent",
                "-i", ip(), "-p", Integer.toString(peerAddress().getPort()),
                "-D", Long.toString(downloadLimitBytesPerSecond() / 1024), "-e", "100", "-M", "40",
                "-s", downloads.resolve(torrent.name()).toString(), torrent.torrentFile().toString()));
        Waits.until(java.time.Duration.ofSeconds(30), name() + " status line", () -> {
            requireAlive();
            return lastStatus() != null;
        });
    }

    @Override
    public double progress() throws IOException {
        requireAlive();
        long[] s = lastStatus();
        return s == null || s[1] == 0 ? 0.0 : (double) s[0] / s[1];
    }

    private long[] lastStatus() throws IOException {
        String tail;
        try (RandomAccessFile f = new RandomAccessFile(log().toFile(), "r")) {
            long start = Math.max(0, f.length() - TAIL);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            tail = new String(buf, StandardCharsets.ISO_8859_1);
        }
        Matcher m = STATUS.matcher(tail);
        long[] last = null;
        while (m.find()) {
            last = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
        }
        return last;
    }
}
