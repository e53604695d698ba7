package org.btda.evaluator.contact;

/**
 * Why an incoming connection was not evaluated (passive mode). Its own file so that {@code EvaluatorStats}, which
 * counts refusals, does not depend on the {@link IncomingListener} that reports them.
 */
public enum Refusal {
    UNKNOWN_TORRENT, ADDRESS_LIMIT, TOTAL_LIMIT, BAD_HANDSHAKE, NO_HANDSHAKE,
    /** An MSE/PE handshake that broke a rule (wrong VC, endless padding, bad key, no common method). */
    BAD_ENCRYPTION,
    /** An MSE/PE handshake beyond evaluator.mse-max-handshakes. */
    ENCRYPTION_LIMIT
}
