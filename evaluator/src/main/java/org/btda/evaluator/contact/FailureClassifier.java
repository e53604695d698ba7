package org.btda.evaluator.contact;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.util.Locale;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;

import org.btda.events.FailureReason;
import org.btda.protocol.mse.MseException;
import org.btda.protocol.mse.MseViolation;
import org.btda.protocol.pieces.PieceAccountingException;
import org.btda.protocol.wire.PeerWireException;

/**
 * Maps what went wrong (an exception from connect, the socket or the codec) to the observation's failure reason.
 * Socket errors arrive as exceptions whose message is the OS's text, hence the message checks.
 */
final class FailureClassifier {

    private FailureClassifier() {
    }

    static FailureReason connectFailure(Throwable t) {
        Throwable c = root(t);
        String m = message(c);
        if (c instanceof ConnectTimeoutException || m.contains("timed out")) return FailureReason.CONNECT_TIMEOUT;
        // local resource exhaustion (ephemeral ports, file descriptors) is our problem, not the peer's
        if (c instanceof BindException || m.contains("cannot assign requested address") || m.contains("too many open files")) {
            return FailureReason.OVERLOADED;
        }
        if (c instanceof NoRouteToHostException || c instanceof PortUnreachableException || m.contains("unreachable")
                || m.contains("no route")) {
            return FailureReason.UNREACHABLE;
        }
        if (m.contains("refused")) return FailureReason.REFUSED;
        if (m.contains("reset")) return FailureReason.RESET;
        if (c instanceof ConnectException) return FailureReason.UNREACHABLE;
        return FailureReason.OTHER;
    }

    /** An exception on an established session. */
    static FailureReason sessionFailure(Throwable t) {
        if (t instanceof MseException m) {
            return m.violation() == MseViolation.OVERLOADED ? FailureReason.OVERLOADED : FailureReason.PROTOCOL_VIOLATION;
        }
        if (t instanceof PeerWireException w) {
            return switch (w.violation()) {
                case FRAME_TOO_LARGE -> FailureReason.FRAME_TOO_LARGE;
                default -> FailureReason.PROTOCOL_VIOLATION;
            };
        }
        if (t instanceof PieceAccountingException p) {
            return p.reason() == PieceAccountingException.Reason.INDEX_OUT_OF_RANGE
                    ? FailureReason.PROTOCOL_VIOLATION : FailureReason.BAD_BITFIELD;
        }
        if (t instanceof DecoderException && t.getCause() != null && t.getCause() != t) return sessionFailure(t.getCause());
        if (t instanceof DecoderException) return FailureReason.PROTOCOL_VIOLATION;
        if (t instanceof IOException) return message(t).contains("reset") ? FailureReason.RESET : FailureReason.OTHER;
        return FailureReason.OTHER;
    }

    static boolean isReset(Throwable t) {
        return t instanceof IOException && message(t).contains("reset");
    }

    private static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    }
}
