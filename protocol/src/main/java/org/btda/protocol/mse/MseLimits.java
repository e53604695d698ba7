package org.btda.protocol.mse;

/**
 * Bounds of one MSE/PE handshake. The defaults are the specification's own: padding fields up to 512 bytes, so the
 * responder finds HASH('req1', S) within 96 + 512 + 20 = 628 bytes of the stream's start and the initiator finds the
 * encrypted VC within 96 + 512 + 8 = 616 bytes. Nothing beyond these is buffered.
 *
 * @param maxPadding          largest PadA/PadB/PadC/PadD accepted from the peer (spec: 512)
 * @param responderSyncWindow bytes from the stream's start within which req1 must end (spec: 628)
 * @param initiatorSyncWindow bytes from the stream's start within which the encrypted VC must end (spec: 616)
 * @param maxInitialPayload   largest IA accepted (the BitTorrent handshake is 68 bytes; the field allows 65535)
 * @param ourMaxPadding       largest random padding btda sends (fewer bytes on the wire; 0 disables)
 */
public record MseLimits(int maxPadding, int responderSyncWindow, int initiatorSyncWindow, int maxInitialPayload,
                        int ourMaxPadding) {

    public static final MseLimits DEFAULT = new MseLimits(512, 628, 616, 4096, 64);

    public MseLimits {
        if (maxPadding < 0 || maxPadding > 65535) throw new IllegalArgumentException("maxPadding " + maxPadding);
        if (responderSyncWindow < MseKeys.PUBLIC_KEY_LENGTH + 20) throw new IllegalArgumentException("responderSyncWindow");
        if (initiatorSyncWindow < MseKeys.PUBLIC_KEY_LENGTH + 8) throw new IllegalArgumentException("initiatorSyncWindow");
        if (maxInitialPayload < 0 || maxInitialPayload > 65535) throw new IllegalArgumentException("maxInitialPayload");
        if (ourMaxPadding < 0 || ourMaxPadding > 512) throw new IllegalArgumentException("ourMaxPadding");
    }
}
