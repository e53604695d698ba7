package org.btda.harvester;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import org.btda.harvester.schedule.AnnounceIdentity;
import org.btda.protocol.client.PeerIds;

/**
 * Our BEP 20 peer id ({@link PeerIds}: {@code -BD0100-} + 12 random characters) and announce {@code key}, persisted under
 * {@code state.dir} so trackers see the same client across restarts (a changing peer id with the same key looks odd).
 */
public final class ClientIdentity {
    public static final String FILE_NAME = "harvester-identity";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String peerId;
    private final int key;

    private ClientIdentity(String peerId, int key) {
        this.peerId = peerId;
        this.key = key;
    }

    public static ClientIdentity loadOrCreate(Path stateDir) {
        Path file = stateDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(stateDir);
                String text = "peer_id=" + PeerIds.generateText(RANDOM) + "\nkey=" + HexFormat.of().toHexDigits(RANDOM.nextInt()) + "\n";
                Path tmp = Files.createTempFile(stateDir, ".identity", ".tmp");
                try {
                    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
                    Files.createLink(file, tmp);
                } catch (FileAlreadyExistsException raced) {
                    // another process won; use its identity
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            if (Files.size(file) > 4096) {
                throw new IOException(file + " is too large");
            }
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)));
            String id = p.getProperty("peer_id", "");
            String key = p.getProperty("key", "");
            if (!PeerIds.isOurs(id) || !key.matches("[0-9a-f]{8}")) {
                throw new IOException(file + " is corrupt; delete it to create a new identity");
            }
            return new ClientIdentity(id, (int) Long.parseLong(key, 16));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create harvester identity " + file, e);
        }
    }

    public String peerIdText() {
        return peerId;
    }

    public byte[] peerId() {
        return peerId.getBytes(StandardCharsets.US_ASCII);
    }

    public int key() {
        return key;
    }

    public AnnounceIdentity announceIdentity(int port) {
        return new AnnounceIdentity(peerId(), key, port);
    }
}
