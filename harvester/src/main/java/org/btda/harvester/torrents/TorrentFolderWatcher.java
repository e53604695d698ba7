package org.btda.harvester.torrents;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.btda.protocol.bencode.BencodeException;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.metainfo.Metainfo;
import org.btda.protocol.metainfo.MetainfoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a folder of {@code .torrent} files. Polling (not WatchService) because it also works on network and container
 * file systems and needs no special handling of overflow. Each torrent is registered once however many files hold
 * it. A file that does not parse is first assumed to be still being written: it is retried on the next scan, and
 * reported as malformed only once its size and time stayed the same across a scan. Not thread-safe: one scanning
 * thread.
 */
public final class TorrentFolderWatcher {
    /** Larger .torrent files exist (huge piece lists) but 64 MiB is beyond anything sane. */
    public static final long MAX_FILE_BYTES = 64L << 20;
    private static final int MAX_FILES = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(TorrentFolderWatcher.class);

    private final Path dir;
    private final TorrentListener listener;
    private final Map<Path, FileState> files = new HashMap<>();
    private final Map<InfoHash, Set<Path>> holders = new LinkedHashMap<>();
    private final Map<InfoHash, Metainfo> torrents = new HashMap<>();
    private final AtomicLong malformed = new AtomicLong();
    private boolean dirWarned;

    public TorrentFolderWatcher(Path dir, TorrentListener listener) {
        this.dir = dir;
        this.listener = listener;
    }

    /** Malformed file versions reported so far. */
    public long malformedCount() {
        return malformed.get();
    }

    /** Torrents currently monitored. */
    public Set<InfoHash> monitored() {
        return Set.copyOf(holders.keySet());
    }

    /** One scan; never throws for problems with individual files. */
    public void scan() {
        Map<Path, BasicFileAttributes> seen = new LinkedHashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".torrent"))) {
            for (Path p : ds) {
                if (seen.size() >= MAX_FILES) {
                    LOG.warn("more than {} .torrent files in {}; the rest are ignored", MAX_FILES, dir);
                    break;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        seen.put(p, a);
                    }
                } catch (NoSuchFileException gone) {
                    // deleted between listing and stat
                } catch (IOException e) {
                    LOG.warn("cannot stat {}: {}", p, e.toString());
                    FileState old = files.get(p);
                    if (old != null) {
                        seen.put(p, null); // keep what we know rather than unregistering on a transient error
                    }
                }
            }
            dirWarned = false;
        } catch (IOException e) {
            // A missing or unreadable folder must not unregister everything: skip this scan.
            if (!dirWarned) {
                LOG.warn("cannot list torrent folder {}: {}", dir, e.toString());
                dirWarned = true;
            }
            return;
        }
        for (Path gone : new HashSet<>(files.keySet())) {
            if (!seen.containsKey(gone)) {
                forget(gone, files.remove(gone));
            }
        }
        for (Map.Entry<Path, BasicFileAttributes> e : seen.entrySet()) {
            if (e.getValue() != null) {
                check(e.getKey(), e.getValue());
            }
        }
    }

    private void check(Path file, BasicFileAttributes a) {
        long size = a.size();
        long mtime = a.lastModifiedTime().toMillis();
        FileState old = files.get(file);
        if (old != null && old.size == size && old.mtime == mtime && (old.infoHash != null || old.reported)) {
            return; // unchanged and settled
        }
        boolean stable = old != null && old.size == size && old.mtime == mtime;
        Metainfo m;
        try {
            if (size > MAX_FILE_BYTES) {
                throw new MetainfoException("file is " + size + " bytes, larger than " + MAX_FILE_BYTES);
            }
            m = Metainfo.parse(Files.readAllBytes(file));
        } catch (MetainfoException | BencodeException | IOException e) {
            FileState s = new FileState(size, mtime, null);
            if (old != null && old.infoHash != null) {
                forget(file, old);
            }
            if (stable || size > MAX_FILE_BYTES) {
                s.reported = true;
                malformed.incrementAndGet();
                String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.error("malformed torrent file {}: {}", file, reason);
                listener.malformed(file, reason);
            }
            files.put(file, s);
            return;
        }
        if (old != null && old.infoHash != null) {
            if (old.infoHash.equals(m.infoHash())) {
                files.put(file, new FileState(size, mtime, m.infoHash()));
                return;
            }
            forget(file, old);
        }
        files.put(file, new FileState(size, mtime, m.infoHash()));
        Set<Path> h = holders.computeIfAbsent(m.infoHash(), k -> new LinkedHashSet<>());
        h.add(file);
        if (h.size() == 1) {
            torrents.put(m.infoHash(), m);
            LOG.info("monitoring {} ({}) from {}", m.infoHash().hex(), m.name(), file.getFileName());
            listener.registered(m, file);
        } else {
            LOG.info("{} holds {} which is already monitored", file.getFileName(), m.infoHash().hex());
        }
    }

    private void forget(Path file, FileState state) {
        if (state == null || state.infoHash == null) {
            return;
        }
        Set<Path> h = holders.get(state.infoHash);
        if (h == null) {
            return;
        }
        h.remove(file);
        if (h.isEmpty()) {
            holders.remove(state.infoHash);
            Metainfo m = torrents.remove(state.infoHash);
            LOG.info("stopped monitoring {} ({} removed)", state.infoHash.hex(), file.getFileName());
            listener.unregistered(m, file);
        }
    }

    private static final class FileState {
        final long size;
        final long mtime;
        final InfoHash infoHash;
        boolean reported;

        FileState(long size, long mtime, InfoHash infoHash) {
            this.size = size;
            this.mtime = mtime;
            this.infoHash = infoHash;
        }
    }
}
