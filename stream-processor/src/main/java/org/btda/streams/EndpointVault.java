package org.btda.streams;

import org.btda.events.PeerEndpoint;

/**
 * Seals endpoints for the state store and opens them when a contact request is issued. Production wraps the
 * deployment's {@code EndpointSealer}; tests may inject one built from a fixed secret.
 */
public interface EndpointVault {
    byte[] seal(PeerEndpoint endpoint);

    /** @throws RuntimeException when the bytes were not sealed under this deployment's secret */
    PeerEndpoint unseal(byte[] sealed);
}
