package org.btda.it.swarm;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * libtorrent (Debian's python3-libtorrent) with TCP switched off both ways: reachable over uTP only. Its progress comes
 * from a file the script rewrites twice a second.
 */
final class LibtorrentUtpPeer extends ClientPeer {

    LibtorrentUtpPeer(String name, Role role, InetSocketAddress peer, long limitBytesPerSecond, Path dir) {
        super(name, role, peer, limitBytesPerSecond, dir);
    }

    @Override
    public String implementation() {
        return ClientVersion.of("libtorrent", "/usr/bin/python3", "-c", "import libtorrent; print(libtorrent.__version__)")
                + " (uTP only)";
    }

    @Override
    void start(SwarmTorrent torrent) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("downloads"));
        Path script = dir.resolve("lt-utp-leech.py");
        try (InputStream in = LibtorrentUtpPeer.class.getResourceAsStream("/swarm/lt-utp-leech.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        process = ManagedProcess.start(name(), dir, log(), List.of("/usr/bin/python3", script.toString(), dir.toString(),
                torrent.torrentFile().toString(), ip(), String.valueOf(peerAddress().getPort()),
                String.valueOf(downloadLimitBytesPerSecond())));
        Waits.until(java.time.Duration.ofSeconds(30), name() + " progress file", () -> {
            requireAlive();
            return Files.exists(dir.resolve("progress"));
        });
    }

    @Override
    public double progress() throws IOException {
        requireAlive();
        return Double.parseDouble(Files.readString(dir.resolve("progress")).strip());
    }
}
