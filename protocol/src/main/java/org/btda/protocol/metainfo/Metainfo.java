package org.btda.protocol.metainfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.bencode.BString;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.bencode.BencodeException;
import org.btda.protocol.bencode.BencodeLimits;

/**
 * A parsed v1 (or hybrid v1/v2) torrent. Only what btda needs to measure a swarm: identity, sizes, piece count,
 * trackers. The info hash is SHA-1 over the info dictionary's bytes exactly as they appeared in the input.
 *
 * <p>All failures surface as {@link MetainfoException} (bencode errors are wrapped, offset kept in the message).
 */
public final class Metainfo {
    /** Pieces larger than this are not produced by any real client and would make piece accounting meaningless. */
    public static final long MAX_PIECE_LENGTH = 1L << 30;
    private static final int MAX_FILES = 1_000_000;

    private final InfoHash infoHash;
    private final String name;
    private final long pieceLength;
    private final int pieceCount;
    private final long totalSize;
    private final List<FileEntry> files;
    private final boolean multiFile;
    private final List<List<String>> announceTiers;
    private final boolean isPrivate;
    private final boolean hybrid;
    private final byte[] rawInfo;
    private final String createdBy;
    private final Long creationDate;
    private final String comment;

    private Metainfo(Builder b) {
        this.infoHash = b.infoHash;
        this.name = b.name;
        this.pieceLength = b.pieceLength;
        this.pieceCount = b.pieceCount;
        this.totalSize = b.totalSize;
        this.files = List.copyOf(b.files);
        this.multiFile = b.multiFile;
        this.announceTiers = b.announceTiers;
        this.isPrivate = b.isPrivate;
        this.hybrid = b.hybrid;
        this.rawInfo = b.rawInfo;
        this.createdBy = b.createdBy;
        this.creationDate = b.creationDate;
        this.comment = b.comment;
    }

    public static Metainfo parse(Path file) throws IOException {
        long size = Files.size(file);
        if (size > BencodeLimits.DEFAULT.maxTotalSize()) {
            throw new MetainfoException(file + ": " + size + " bytes exceeds max torrent size "
                    + BencodeLimits.DEFAULT.maxTotalSize());
        }
        return parse(Files.readAllBytes(file));
    }

    /** Parses a complete .torrent file. */
    public static Metainfo parse(byte[] torrent) {
        try {
            if (!(Bencode.decode(torrent) instanceof BDict root)) {
                throw new MetainfoException("torrent is not a bencoded dictionary");
            }
            if (!(root.get("info") instanceof BDict)) {
                throw new MetainfoException(root.containsKey("info") ? "'info' is not a dictionary"
                        : "torrent has no 'info' dictionary");
            }
            byte[] rawInfo = root.rawSpan("info");
            Builder b = parseInfo(root.getDict("info"), rawInfo);
            b.announceTiers = announceTiers(root);
            b.createdBy = lenientString(root, "created by");
            b.comment = lenientString(root, "comment");
            b.creationDate = root.get("creation date") instanceof Long l ? l : null;
            return new Metainfo(b);
        } catch (BencodeException e) {
            throw new MetainfoException("malformed torrent: " + e.getMessage(), e);
        }
    }

    /** Builds metainfo from an info dictionary fetched via ut_metadata (BEP 9) plus trackers known from elsewhere. */
    public static Metainfo fromInfoDictionary(byte[] rawInfo, List<List<String>> trackers) {
        try {
            if (!(Bencode.decode(rawInfo) instanceof BDict info)) {
                throw new MetainfoException("info is not a bencoded dictionary");
            }
            Builder b = parseInfo(info, rawInfo.clone());
            b.announceTiers = cleanTiers(trackers == null ? List.of() : trackers);
            return new Metainfo(b);
        } catch (BencodeException e) {
            throw new MetainfoException("malformed info dictionary: " + e.getMessage(), e);
        }
    }

    private static Builder parseInfo(BDict info, byte[] rawInfo) {
        Builder b = new Builder();
        b.rawInfo = rawInfo;
        b.infoHash = InfoHash.sha1(rawInfo);
        Long metaVersion = info.get("meta version") instanceof Long l ? l : null;
        BString pieces = info.getBString("pieces");
        if (pieces == null) {
            if (metaVersion != null && metaVersion == 2) {
                throw new MetainfoException("pure BitTorrent v2 torrent (meta version 2 without 'pieces') is not "
                        + "supported: btda measures v1 swarms; a hybrid v1/v2 torrent would work");
            }
            throw new MetainfoException("info has no 'pieces'");
        }
        b.hybrid = metaVersion != null && metaVersion == 2;
        if (pieces.length() % 20 != 0) {
            throw new MetainfoException("'pieces' length " + pieces.length() + " is not a multiple of 20");
        }
        b.pieceCount = pieces.length() / 20;
        Long pieceLength = info.getLong("piece length");
        if (pieceLength == null) {
            throw new MetainfoException("info has no 'piece length'");
        }
        if (pieceLength < 1 || pieceLength > MAX_PIECE_LENGTH) {
            throw new MetainfoException("'piece length' " + pieceLength + " outside 1.." + MAX_PIECE_LENGTH);
        }
        b.pieceLength = pieceLength;
        b.name = preferUtf8(info, "name");
        if (b.name == null) {
            throw new MetainfoException("info has no 'name'");
        }
        b.isPrivate = info.get("private") instanceof Long p && p == 1;

        boolean hasLength = info.containsKey("length");
        boolean hasFiles = info.containsKey("files");
        if (hasLength == hasFiles) {
            throw new MetainfoException(hasLength ? "info has both 'length' and 'files'"
                    : "info has neither 'length' nor 'files'");
        }
        if (hasLength) {
            long length = nonNegative(info.getLong("length"), "'length'");
            b.files.add(new FileEntry(List.of(b.name), length, false));
            b.totalSize = length;
        } else {
            b.multiFile = true;
            b.totalSize = parseFiles(info.getList("files"), b.files);
        }
        if (b.totalSize == 0) {
            throw new MetainfoException("torrent has no data (total size 0)");
        }
        long expected = b.totalSize == 0 ? 0 : (b.totalSize - 1) / b.pieceLength + 1;
        if (expected != b.pieceCount) {
            throw new MetainfoException("'pieces' has " + b.pieceCount + " hashes but total size " + b.totalSize
                    + " with piece length " + b.pieceLength + " needs " + expected);
        }
        return b;
    }

    private static long parseFiles(List<Object> list, List<FileEntry> out) {
        if (list.isEmpty()) {
            throw new MetainfoException("'files' is empty");
        }
        if (list.size() > MAX_FILES) {
            throw new MetainfoException("'files' has more than " + MAX_FILES + " entries");
        }
        long total = 0;
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof BDict f)) {
                throw new MetainfoException("files[" + i + "] is not a dictionary");
            }
            long length = nonNegative(f.getLong("length"), "files[" + i + "].length");
            List<String> path = path(f, i);
            String attr = lenientString(f, "attr");
            boolean padding = attr != null && attr.indexOf('p') >= 0;
            out.add(new FileEntry(path, length, padding));
            try {
                total = Math.addExact(total, length);
            } catch (ArithmeticException e) {
                throw new MetainfoException("total size overflows 64 bits");
            }
        }
        return total;
    }

    private static List<String> path(BDict f, int i) {
        List<Object> utf8 = f.get("path.utf-8") instanceof List<?> ? f.getList("path.utf-8") : null;
        if (utf8 != null) {
            List<String> p = pathStrings(utf8, true);
            if (p != null && !p.isEmpty()) {
                return p;
            }
        }
        List<Object> raw = f.getList("path");
        if (raw == null) {
            throw new MetainfoException("files[" + i + "] has no 'path'");
        }
        List<String> p = pathStrings(raw, false);
        if (p == null) {
            throw new MetainfoException("files[" + i + "].path contains a non-string element");
        }
        if (p.isEmpty()) {
            throw new MetainfoException("files[" + i + "].path is empty");
        }
        return p;
    }

    /** Null if an element is not a string (or, when strict, not valid UTF-8). */
    private static List<String> pathStrings(List<Object> raw, boolean strictUtf8) {
        List<String> out = new ArrayList<>(raw.size());
        for (Object o : raw) {
            if (!(o instanceof BString s) || (strictUtf8 && !s.isValidUtf8())) {
                return null;
            }
            out.add(s.toString());
        }
        return out;
    }

    /** "x.utf-8" when present and valid UTF-8, else "x" decoded leniently (old torrents used local code pages). */
    private static String preferUtf8(BDict d, String key) {
        if (d.get(key + ".utf-8") instanceof BString s && s.isValidUtf8()) {
            return s.utf8();
        }
        BString plain = d.getBString(key);
        return plain == null ? null : plain.toString();
    }

    private static String lenientString(BDict d, String key) {
        return d.get(key) instanceof BString s ? s.toString() : null;
    }

    private static long nonNegative(Long v, String what) {
        if (v == null) {
            throw new MetainfoException(what + " is missing");
        }
        if (v < 0) {
            throw new MetainfoException(what + " is negative: " + v);
        }
        return v;
    }

    /**
     * BEP 12: announce-list wins when present and usable; otherwise announce becomes a single tier. Tracker lists are
     * advisory (they do not affect the info hash), so malformed entries are skipped rather than failing the torrent.
     */
    private static List<List<String>> announceTiers(BDict root) {
        List<List<String>> tiers = new ArrayList<>();
        if (root.get("announce-list") instanceof List<?> list) {
            for (Object tier : list) {
                List<String> t = new ArrayList<>();
                if (tier instanceof List<?> urls) {
                    for (Object u : urls) {
                        if (u instanceof BString s) {
                            t.add(s.toString());
                        }
                    }
                } else if (tier instanceof BString s) {
                    t.add(s.toString()); // some creators flatten the list
                }
                tiers.add(t);
            }
        }
        List<List<String>> cleaned = cleanTiers(tiers);
        if (cleaned.isEmpty() && root.get("announce") instanceof BString a) {
            cleaned = cleanTiers(List.of(List.of(a.toString())));
        }
        return cleaned;
    }

    private static List<List<String>> cleanTiers(List<List<String>> tiers) {
        List<List<String>> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (List<String> tier : tiers) {
            List<String> t = new ArrayList<>();
            for (String url : tier) {
                String u = url == null ? "" : url.trim();
                if (!u.isEmpty() && seen.add(u)) {
                    t.add(u);
                }
            }
            if (!t.isEmpty()) {
                out.add(List.copyOf(t));
            }
        }
        return List.copyOf(out);
    }

    public InfoHash infoHash() {
        return infoHash;
    }

    public String name() {
        return name;
    }

    public long pieceLength() {
        return pieceLength;
    }

    public int pieceCount() {
        return pieceCount;
    }

    public long totalSize() {
        return totalSize;
    }

    /** Files in piece order; a single-file torrent has one entry whose path is [name]. */
    public List<FileEntry> files() {
        return files;
    }

    public boolean isMultiFile() {
        return multiFile;
    }

    /** BEP 12 tiers, deduplicated, empty entries dropped; may be empty (trackerless). */
    public List<List<String>> announceTiers() {
        return announceTiers;
    }

    /** All tracker URLs, tier order. */
    public List<String> trackers() {
        List<String> all = new ArrayList<>();
        announceTiers.forEach(all::addAll);
        return all;
    }

    public boolean isPrivate() {
        return isPrivate;
    }

    /** True for a hybrid v1/v2 torrent (BEP 52 meta version 2 with v1 'pieces'); the info hash is the v1 one. */
    public boolean isHybrid() {
        return hybrid;
    }

    /** The info dictionary's exact bytes (what ut_metadata serves and what the info hash covers). */
    public byte[] rawInfo() {
        return rawInfo.clone();
    }

    public int rawInfoLength() {
        return rawInfo.length;
    }

    /** Length of piece {@code index}; the last piece is usually shorter. */
    public long pieceSize(int index) {
        if (index < 0 || index >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + index + " of " + pieceCount);
        }
        return index == pieceCount - 1 ? totalSize - pieceLength * (pieceCount - 1L) : pieceLength;
    }

    public String createdBy() {
        return createdBy;
    }

    /** Seconds since the epoch, or null. */
    public Long creationDate() {
        return creationDate;
    }

    public String comment() {
        return comment;
    }

    @Override
    public String toString() {
        return "Metainfo[" + infoHash + " '" + name + "' " + totalSize + " bytes, " + pieceCount + " x " + pieceLength
                + (isPrivate ? ", private" : "") + (hybrid ? ", hybrid" : "") + "]";
    }

    private static final class Builder {
        InfoHash infoHash;
        String name;
        long pieceLength;
        int pieceCount;
        long totalSize;
        final List<FileEntry> files = new ArrayList<>();
        boolean multiFile;
        List<List<String>> announceTiers = List.of();
        boolean isPrivate;
        boolean hybrid;
        byte[] rawInfo;
        String createdBy;
        Long creationDate;
        String comment;
    }
}
