package org.btda.protocol.holepunch;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One BEP 55 {@code ut_holepunch} extension message (the payload after the BEP 10 extended-message header).
 *
 * @param type     rendezvous (initiator asks the relay), connect (relay tells both ends to dial each other over uTP)
 *                 or error (the relay cannot do it)
 * @param endpoint the target (rendezvous, error) or the peer to dial (connect)
 * @param error    {@link ErrorCode#NONE} except in error messages
 */
public record HolepunchMessage(Type type, InetSocketAddress endpoint, ErrorCode error) {

    /** The BEP 10 extension name. */
    public static final String EXTENSION_NAME = "ut_holepunch";

    public enum Type {
        RENDEZVOUS(0), CONNECT(1), ERROR(2);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Type of(int code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }
    }

    /** BEP 55 error codes; an unknown non-zero code from a newer peer reads as {@link #UNKNOWN}. */
    public enum ErrorCode {
        NONE(0),
        /** the target endpoint is not valid */
        NO_SUCH_PEER(1),
        /** the relay is not connected to the target */
        NOT_CONNECTED(2),
        /** the target does not support holepunching */
        NO_SUPPORT(3),
        /** the target is the relay itself */
        NO_SELF(4),
        UNKNOWN(-1);

        private final int code;

        ErrorCode(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static ErrorCode of(long code) {
            for (ErrorCode e : values()) if (e.code == code) return e;
            return UNKNOWN;
        }
    }

    public HolepunchMessage {
        Objects.requireNonNull(type);
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(error);
        if (endpoint.isUnresolved()) throw new IllegalArgumentException("endpoint must be an address");
        if (endpoint.getPort() == 0) throw new IllegalArgumentException("port 0");
        if ((type == Type.ERROR) == (error == ErrorCode.NONE)) {
            throw new IllegalArgumentException("error messages, and only they, carry an error code");
        }
        if (error == ErrorCode.UNKNOWN && type != Type.ERROR) throw new IllegalArgumentException("unknown error code");
    }

    public static HolepunchMessage rendezvous(InetSocketAddress target) {
        return new HolepunchMessage(Type.RENDEZVOUS, target, ErrorCode.NONE);
    }

    public static HolepunchMessage connect(InetSocketAddress peer) {
        return new HolepunchMessage(Type.CONNECT, peer, ErrorCode.NONE);
    }

    public static HolepunchMessage error(InetSocketAddress target, ErrorCode code) {
        return new HolepunchMessage(Type.ERROR, target, code);
    }

    boolean ipv6() {
        return endpoint.getAddress() instanceof Inet6Address;
    }
}
