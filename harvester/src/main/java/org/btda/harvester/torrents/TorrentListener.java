package org.btda.harvester.torrents;

import java.nio.file.Path;
import org.btda.protocol.metainfo.Metainfo;

/** What the folder watcher reports; called on the scanning thread. */
public interface TorrentListener {
    /** A torrent not monitored before appeared ({@code file} is the first file holding it). */
    void registered(Metainfo torrent, Path file);

    /** The last file holding this torrent disappeared (or now holds another torrent). */
    void unregistered(Metainfo torrent, Path file);

    /** A file that stayed the same size between two scans still does not parse. Reported once per file version. */
    void malformed(Path file, String reason);
}
