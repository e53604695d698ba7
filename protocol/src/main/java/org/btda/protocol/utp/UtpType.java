package org.btda.protocol.utp;

/** BEP 29 packet types, by their 4-bit wire value. */
public enum UtpType {
    /** a payload packet, the only type that carries data */
    DATA(0),
    /** ends the sender's direction of the stream; its sequence number is the last one */
    FIN(1),
    /** an acknowledgement without data (and the answer to SYN) */
    STATE(2),
    /** aborts the connection */
    RESET(3),
    /** opens a connection */
    SYN(4);

    private static final UtpType[] BY_CODE = {DATA, FIN, STATE, RESET, SYN};

    private final int code;

    UtpType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Null for an undefined code (5 to 15). */
    public static UtpType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
