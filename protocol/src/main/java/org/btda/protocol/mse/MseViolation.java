package org.btda.protocol.mse;

/** Why an MSE/PE handshake was abandoned; each is counted by {@link MseCounters}. */
public enum MseViolation {
    /** The peer's Diffie-Hellman value is outside 2..P-2 (a degenerate key would make S guessable). */
    BAD_PUBLIC_KEY,
    /** req1 (responder) or the encrypted VC (initiator) did not appear within the sync window: endless padding. */
    SYNC_NOT_FOUND,
    /** req2 names no monitored torrent. */
    UNKNOWN_TORRENT,
    /** The decrypted verification constant is not eight zero bytes: wrong key, wrong torrent or garbage. */
    BAD_VC,
    /** A padding length field above {@link MseLimits#maxPadding()}. */
    PADDING_TOO_LONG,
    /** len(IA) above {@link MseLimits#maxInitialPayload()}. */
    PAYLOAD_TOO_LONG,
    /** crypto_provide offers nothing we accept, or crypto_select is not one of the methods we offered. */
    NO_COMMON_METHOD,
    /** Too many handshakes in progress: Diffie-Hellman work is bounded per process. */
    OVERLOADED
}
