package org.btda.harvester.dht;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.bencode.BencodeException;
import org.btda.protocol.bencode.BencodeLimits;
import org.btda.protocol.dht.Krpc;
import org.btda.protocol.dht.KrpcException;
import org.btda.protocol.dht.NodeId;
import org.btda.protocol.dht.NodeInfo;

/**
 * Node id and routing tables on disk: a bencoded dict {@code {id: 20 bytes, nodes: compact node info, nodes6: BEP 32
 * compact IPv6 node info}}. Keeping the id stable matters (other nodes' tables point at it); keeping the nodes means a
 * restart resumes without the bootstrap routers. Written atomically (temp file + move) so a crash never leaves half a file.
 */
final class DhtStateStore {
    private static final BencodeLimits LIMITS = new BencodeLimits(4, 1 << 20, 1 << 20, 100);

    record State(NodeId id, List<NodeInfo> nodes) {
    }

    private DhtStateStore() {
    }

    /** Null if the file is absent or unreadable (a corrupt state file must not stop the node: start fresh). */
    static State load(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            if (Files.size(file) > LIMITS.maxTotalSize()) {
                return null;
            }
            if (!(Bencode.decode(Files.readAllBytes(file), LIMITS) instanceof BDict d)) {
                return null;
            }
            byte[] id = d.getBytes("id");
            byte[] nodes = d.getBytes("nodes");
            byte[] nodes6 = d.getBytes("nodes6");
            if (id == null || id.length != NodeId.LENGTH) {
                return null;
            }
            List<NodeInfo> all = new ArrayList<>(nodes == null ? List.of() : Krpc.decodeNodes(nodes));
            all.addAll(nodes6 == null ? List.of() : Krpc.decodeNodes6(nodes6));
            return new State(NodeId.of(id), all);
        } catch (IOException | BencodeException | KrpcException e) {
            return null;
        }
    }

    static void save(Path file, NodeId id, List<NodeInfo> nodes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] data = Bencode.encode(new BDict().put("id", id.bytes()).put("nodes", Krpc.encodeNodes(nodes))
                .put("nodes6", Krpc.encodeNodes6(nodes)));
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, data);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
