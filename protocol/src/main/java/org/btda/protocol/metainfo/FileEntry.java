package org.btda.protocol.metainfo;

import java.util.List;

/**
 * One file of a torrent, in piece order.
 *
 * @param path    path components below the torrent name (single-file torrents: just the name)
 * @param length  bytes
 * @param padding BEP 47 padding file ({@code attr} contains 'p'); still occupies piece space
 */
public record FileEntry(List<String> path, long length, boolean padding) {
    public FileEntry {
        path = List.copyOf(path);
    }
}
