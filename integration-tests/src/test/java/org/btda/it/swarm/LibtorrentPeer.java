package org.btda.it.swarm;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A python-libtorrent (Rasterbar) leecher that refuses plaintext both ways (pe_forced, RC4 only): btda reaches it only
 * through MSE/PE. Progress comes from a status file the script rewrites every second.
 */
final class LibtorrentPeer extends ClientPeer {

    LibtorrentPeer(String name, Role role, InetSocketAddress peer, long limitBytesPerSecond, Path dir) {
        super(name, role, peer, limitBytesPerSecond, dir);
    }

    @Override
    public String implementation() {
        return ClientVersion.of("libtorrent (Rasterbar, python)", "/usr/bin/python3", "-c",
                "import libtorrent; print(libtorrent.__version__)");
    }

    @Override
    void start(SwarmTorrent torrent) throws IOException, InterruptedException {
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        Path script = dir.resolve("lt-leecher.py");
        try (InputStream in = LibtorrentPeer.class.getResourceAsStream("/swarm/lt-leecher.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        process = ManagedProcess.start(name(), dir, log(), List.of("/usr/bin/python3", script.toString(), ip(),
                String.valueOf(peerAddress().getPort()), torrent.torrentFile().toString(), downloads.toString(),
                String.valueOf(downloadLimitBytesPerSecond()), status().toString()));
        Waits.until(java.time.Duration.ofSeconds(30), name() + " status", () -> {
            requireAlive();
            return Files.exists(status());
        });
    }

    private Path status() {
        return dir.resolve("status");
    }

    @Override
    public double progress() throws IOException {
        requireAlive();
        try {
            return Double.parseDouble(Files.readString(status()).strip());
        } catch (NoSuchFileException e) {
            return 0.0;
        }
    }
}
