package org.btda.streams;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.btda.common.identity.EndpointSealer;
import org.btda.events.PeerEndpoint;

/** {@link EndpointVault} over the deployment's {@link EndpointSealer}. */
public final class SealerVault implements EndpointVault {
    private final EndpointSealer sealer;

    public SealerVault(EndpointSealer sealer) {
        this.sealer = sealer;
    }

    @Override
    public byte[] seal(PeerEndpoint endpoint) {
        ByteBuffer b = endpoint.getAddress().duplicate();
        byte[] addr = new byte[b.remaining()];
        b.get(addr);
        try {
            return sealer.seal(InetAddress.getByAddress(addr), endpoint.getPort());   // raw bytes: no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("endpoint address of " + addr.length + " bytes", e);
        }
    }

    @Override
    public PeerEndpoint unseal(byte[] sealed) {
        InetSocketAddress a = sealer.open(sealed);
        return new PeerEndpoint(ByteBuffer.wrap(a.getAddress().getAddress()), a.getPort());
    }
}
