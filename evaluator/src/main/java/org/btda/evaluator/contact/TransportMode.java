package org.btda.evaluator.contact;

import java.util.Locale;

/** The evaluator.transport setting: which transports contacts may use. */
public enum TransportMode {
    /** per peer: uTP first where the peer is known to speak it, TCP otherwise; a failed connect tries the other once */
    AUTO,
    TCP,
    UTP;

    public static TransportMode parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("evaluator.transport must be auto, tcp or utp, not '" + text + "'");
        }
    }
}
