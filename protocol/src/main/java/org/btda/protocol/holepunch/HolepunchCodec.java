package org.btda.protocol.holepunch;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * BEP 55 binary payload: msg_type (1), addr_type (1: 0 = IPv4, 1 = IPv6), address (4 or 16, big-endian), port (2),
 * err_code (4). Exactly 12 or 24 bytes, or 8 or 20 for a rendezvous or connect without err_code (libtorrent writes
 * err_code in error messages only); anything else, an unknown type or address type, or port 0 is a
 * {@link HolepunchException}. We always encode the full form. An unknown error code in an error message is kept as
 * {@link HolepunchMessage.ErrorCode#UNKNOWN} (later BEPs may add codes).
 */
public final class HolepunchCodec {

    public static final int IPV4_LENGTH = 12;
    public static final int IPV6_LENGTH = 24;
    /** without the trailing err_code */
    public static final int IPV4_SHORT_LENGTH = 8;
    public static final int IPV6_SHORT_LENGTH = 20;

    private HolepunchCodec() {
    }

    public static HolepunchMessage decode(byte[] payload) throws HolepunchException {
        if (payload.length != IPV4_LENGTH && payload.length != IPV6_LENGTH && payload.length != IPV4_SHORT_LENGTH
                && payload.length != IPV6_SHORT_LENGTH) {
            throw new HolepunchException("ut_holepunch payload of " + payload.length + " bytes, expected 8, 12, 20 or 24");
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        HolepunchMessage.Type type = HolepunchMessage.Type.of(b.get() & 0xff);
        if (type == null) throw new HolepunchException("unknown msg_type " + (payload[0] & 0xff));
        int addrType = b.get() & 0xff;
        int addrLength = switch (addrType) {
            case 0 -> 4;
            case 1 -> 16;
            default -> throw new HolepunchException("unknown addr_type " + addrType);
        };
        boolean withError = payload.length == 2 + addrLength + 6;
        if (!withError && payload.length != 2 + addrLength + 2) {
            throw new HolepunchException("addr_type " + addrType + " in a " + payload.length + "-byte payload");
        }
        byte[] addr = new byte[addrLength];
        b.get(addr);
        int port = b.getShort() & 0xffff;
        if (port == 0) throw new HolepunchException("port 0");
        long err = withError ? b.getInt() & 0xffffffffL : 0;
        InetAddress address;
        try {
            address = InetAddress.getByAddress(addr);
        } catch (UnknownHostException e) {
            throw new HolepunchException("bad address: " + e.getMessage());
        }
        HolepunchMessage.ErrorCode code = HolepunchMessage.ErrorCode.of(err);
        if (type != HolepunchMessage.Type.ERROR) {
            if (err != 0) throw new HolepunchException(type + " with err_code " + err);
        } else if (err == 0) {
            throw new HolepunchException("error message with err_code 0");
        }
        return new HolepunchMessage(type, new InetSocketAddress(address, port), code);
    }

    public static byte[] encode(HolepunchMessage m) {
        boolean v6 = m.ipv6();
        byte[] addr = m.endpoint().getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(v6 ? IPV6_LENGTH : IPV4_LENGTH);
        b.put((byte) m.type().code()).put((byte) (v6 ? 1 : 0)).put(addr).putShort((short) m.endpoint().getPort());
        b.putInt(m.error() == HolepunchMessage.ErrorCode.UNKNOWN ? -1 : m.error().code());
        return b.array();
    }
}
