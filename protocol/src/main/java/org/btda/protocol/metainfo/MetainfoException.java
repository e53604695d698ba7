package org.btda.protocol.metainfo;

/** A .torrent / info dictionary that btda cannot use: malformed bencode, missing or inconsistent fields, pure v2. */
public class MetainfoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MetainfoException(String message) {
        super(message);
    }

    public MetainfoException(String message, Throwable cause) {
        super(message, cause);
    }
}
