package org.btda.protocol.dht;

import java.util.Arrays;
import org.btda.protocol.bencode.BDict;

/**
 * A decoded KRPC message (BEP 5). The sender id is validated (20 bytes) for queries and responses; method-specific
 * fields stay in {@code args}/{@code values} and are read through {@link Krpc}'s checked accessors.
 */
public sealed interface KrpcMessage permits KrpcMessage.Query, KrpcMessage.Response, KrpcMessage.Error {
    byte[] transactionId();

    /** {@code y = q}. {@code readOnly} is BEP 43 {@code ro = 1}: the sender must not be added to routing tables. */
    record Query(byte[] transactionId, String method, NodeId sender, BDict args, boolean readOnly)
            implements KrpcMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof Query q && Arrays.equals(transactionId, q.transactionId) && method.equals(q.method)
                    && sender.equals(q.sender) && args.equals(q.args) && readOnly == q.readOnly;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(transactionId) * 31 + method.hashCode();
        }
    }

    /** {@code y = r}. */
    record Response(byte[] transactionId, NodeId sender, BDict values) implements KrpcMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && Arrays.equals(transactionId, r.transactionId) && sender.equals(r.sender)
                    && values.equals(r.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(transactionId) * 31 + sender.hashCode();
        }
    }

    /** {@code y = e}: {@code [code, message]}. */
    record Error(byte[] transactionId, long code, String message) implements KrpcMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof Error e && Arrays.equals(transactionId, e.transactionId) && code == e.code
                    && message.equals(e.message);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(transactionId) * 31 + Long.hashCode(code);
        }
    }
}
