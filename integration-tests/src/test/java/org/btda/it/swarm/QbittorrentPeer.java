package org.btda.it.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * qbittorrent-nox (libtorrent 2.x), progress from the WebUI API. Auth is off for the namespace's own 198.18.0.0/15.
 * libtorrent exempts "local" peers from rate limits unless told otherwise, hence IgnoreLimitsOnLAN=false.
 */
final class QbittorrentPeer extends ClientPeer {
    private static final int WEBUI_PORT = 8080;

    QbittorrentPeer(String name, Role role, InetSocketAddress peer, long limitBytesPerSecond, Path dir) {
        super(name, role, peer, limitBytesPerSecond, dir);
    }

    @Override
    public String implementation() {
        return ClientVersion.of("qBittorrent", "qbittorrent-nox", "--version");
    }

    @Override
    void start(SwarmTorrent torrent) throws IOException, InterruptedException {
        Path profile = dir.resolve("profile");
        Path conf = Files.createDirectories(profile.resolve("qBittorrent/config")).resolve("qBittorrent.conf");
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        String conf1 = String.join("\n",
                "[LegalNotice]", "Accepted=true", "",
                "[BitTorrent]",
                "Session\\Interface=lo", "Session\\InterfaceName=lo", "Session\\InterfaceAddress=" + ip(),
                "Session\\Port=" + peerAddress().getPort(),
                "Session\\DHTEnabled=false", "Session\\LSDEnabled=false", "Session\\PeXEnabled=true",
                "Session\\Encryption=0", "Session\\BTProtocol=TCP",
                "Session\\GlobalDLSpeedLimit=" + downloadLimitBytesPerSecond() / 1024,
                "Session\\IgnoreLimitsOnLAN=false", "Session\\IncludeOverheadInLimits=false",
                "Session\\MultiConnectionsPerIp=true", "Session\\AnonymousModeEnabled=false",
                "Session\\DefaultSavePath=" + downloads, "Session\\TempPathEnabled=false",
                "Session\\QueueingSystemEnabled=false", "Session\\GlobalMaxRatio=-1", "Session\\AddTrackersEnabled=false",
                "",
                "[Preferences]",
                "Connection\\UPnP=false", "General\\Locale=en",
                "WebUI\\Enabled=true", "WebUI\\Address=" + ip(), "WebUI\\Port=" + WEBUI_PORT,
                "WebUI\\LocalHostAuth=false", "WebUI\\AuthSubnetWhitelistEnabled=true",
                "WebUI\\AuthSubnetWhitelist=198.18.0.0/15", "WebUI\\HostHeaderValidation=false",
                "WebUI\\CSRFProtection=false", "WebUI\\UseUPnP=false", "");
        Files.writeString(conf, conf1);
        process = ManagedProcess.start(name(), dir, log(), List.of("qbittorrent-nox", "--profile=" + profile,
                "--save-path=" + downloads, torrent.torrentFile().toString()));
        Waits.until(java.time.Duration.ofSeconds(60), name() + " torrent listed", () -> {
            requireAlive();
            try {
                return info().contains(torrent.infoHashHex());
            } catch (java.net.ConnectException e) {
                return false;
            }
        });
    }

    @Override
    public double progress() throws IOException, InterruptedException {
        requireAlive();
        return Json.single(info(), "progress");
    }

    private String info() throws IOException, InterruptedException {
        URI uri = URI.create("http://" + ip() + ":" + WEBUI_PORT + "/api/v2/torrents/info");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(RPC_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(name() + " WebUI " + r.statusCode() + ": " + Json.abbreviate(r.body()));
        }
        return r.body();
    }
}
