package org.btda.evaluator.contact;

import java.util.Locale;

import org.btda.events.FailureReason;

/**
 * How an outgoing contact chooses between plaintext BitTorrent and MSE/PE (evaluator.encryption). A peer that
 * requires encryption hangs up on a plaintext handshake, and one that refuses it hangs up on Ya, so the policies that
 * allow both retry the other way once after a hang-up before the peer's handshake; a peer that cannot be reached at
 * all is not dialled twice.
 */
public enum EncryptionPolicy {
    /** Per peer: what worked last time, else what its PEX flags say, else plaintext; retry the other way once. */
    LEARN,
    PLAIN_FIRST,
    ENCRYPTED_FIRST,
    PLAIN_ONLY,
    ENCRYPTED_ONLY;

    public static EncryptionPolicy parse(String setting) {
        return valueOf(setting.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** Whether the first attempt is encrypted, given what the memory knows (null: nothing). */
    boolean encryptedFirst(Boolean known) {
        return switch (this) {
            case LEARN -> known != null && known;
            case PLAIN_FIRST, PLAIN_ONLY -> false;
            case ENCRYPTED_FIRST, ENCRYPTED_ONLY -> true;
        };
    }

    boolean retries() {
        return this == LEARN || this == PLAIN_FIRST || this == ENCRYPTED_FIRST;
    }

    /**
     * A failure the other mode may cure: the peer connected, then hung up before its handshake (plaintext refused by an
     * encryption-only peer, Ya refused by a plaintext-only one). Connect failures, overload, garbage and wrong
     * torrents are not.
     */
    static boolean worthRetrying(ContactResult r) {
        if (r.success() || r.peerId() != null) return false;
        return r.failure() == FailureReason.NO_HANDSHAKE || r.failure() == FailureReason.RESET;
    }
}
