package org.btda.harvester.magnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.magnet.MagnetUri;
import org.btda.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata fetched from a real libtorrent seeder on loopback given only the magnet and its address; a hostile fake
 * (in-process, because no real client sends wrong metadata) is caught by the SHA-1 check.
 */
class MagnetResolverTest {
    @TempDir
    static Path work;
    private static Process seeder;
    private static InetSocketAddress seederAddress;
    private static Metainfo torrent;

    @BeforeAll
    static void startSeeder() throws Exception {
        Path script = Path.of(MagnetResolverTest.class.getResource("/magnet/lt-seeder.py").toURI());
        // 20 MB in 16 KiB pieces: ~24 KB of info dict, i.e. two ut_metadata pieces
        seeder = new ProcessBuilder("/usr/bin/python3", script.toString(), work.toString(), "127.0.0.1", "20000000")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String ready = new BufferedReader(new InputStreamReader(seeder.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat(ready).as("libtorrent seeder").startsWith("ready ");
        String[] f = ready.split(" ");
        seederAddress = new InetSocketAddress("127.0.0.1", Integer.parseInt(f[1]));
        torrent = Metainfo.parse(Files.readAllBytes(work.resolve("payload.torrent")));
        assertThat(torrent.infoHash().hex()).isEqualTo(f[2]);
        assertThat(torrent.rawInfoLength()).isGreaterThan(16 * 1024);
    }

    @AfterAll
    static void stopSeeder() throws Exception {
        seeder.getOutputStream().close();
        seeder.destroy();
        seeder.waitFor(5, TimeUnit.SECONDS);
    }

    private static MagnetUri magnet() {
        return MagnetUri.parse("magnet:?xt=urn:btih:" + torrent.infoHash().hex() + "&dn=payload.bin");
    }

    @Test
    void resolvesFromLibtorrentSeeder() throws Exception {
        try (MagnetResolver resolver = new MagnetResolver(MagnetOptions.DEFAULT)) {
            Metainfo m = resolver.resolve(magnet(), List.of(seederAddress)).get(30, TimeUnit.SECONDS);
            assertThat(m.infoHash()).isEqualTo(torrent.infoHash());
            assertThat(m.pieceCount()).isEqualTo(torrent.pieceCount());
            assertThat(m.totalSize()).isEqualTo(20_000_000L);
            assertThat(m.rawInfo()).isEqualTo(torrent.rawInfo());
            assertThat(resolver.counters().resolved()).isEqualTo(1);
        }
    }

    @Test
    void resolvesFromXpeOnly() throws Exception {
        MagnetUri withPeer = MagnetUri.parse(magnet().toUri() + "&x.pe=127.0.0.1:" + seederAddress.getPort());
        try (MagnetResolver resolver = new MagnetResolver(MagnetOptions.DEFAULT)) {
            assertThat(resolver.resolve(withPeer, List.of()).get(30, TimeUnit.SECONDS).infoHash())
                    .isEqualTo(torrent.infoHash());
        }
    }

    @Test
    void wrongMetadataIsCaughtAndAnotherPeerUsed() throws Exception {
        byte[] wrong = torrent.rawInfo();
        wrong[wrong.length / 2] ^= 1;
        try (FakePeer fake = new FakePeer(wrong);
                MagnetResolver resolver = new MagnetResolver(new MagnetOptions(1, 8 << 20, Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(60)))) {
            // one peer at a time, the liar first: its copy fails the hash, then the seeder's is used
            Metainfo m = resolver.resolve(magnet(), List.of(fake.address(), seederAddress)).get(30, TimeUnit.SECONDS);
            assertThat(m.infoHash()).isEqualTo(torrent.infoHash());
            assertThat(resolver.counters().hashMismatch()).isEqualTo(1);
            assertThat(fake.requests).isEqualTo(2);
        }
    }

    @Test
    void onlyWrongMetadataFails() throws Exception {
        byte[] wrong = torrent.rawInfo();
        wrong[10] ^= 1;
        try (FakePeer fake = new FakePeer(wrong); MagnetResolver resolver = new MagnetResolver(MagnetOptions.DEFAULT)) {
            assertThatThrownBy(() -> resolver.resolve(magnet(), List.of(fake.address())).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(MagnetResolveException.class)
                    .hasMessageContaining("does not hash");
            assertThat(resolver.counters().hashMismatch()).isEqualTo(1);
        }
    }

    @Test
    void oversizedMetadataIsRefused() throws Exception {
        try (FakePeer fake = new FakePeer(new byte[100]); MagnetResolver resolver = new MagnetResolver(
                new MagnetOptions(2, 50, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30)))) {
            assertThatThrownBy(() -> resolver.resolve(magnet(), List.of(fake.address())).get(30, TimeUnit.SECONDS))
                    .cause().hasMessageContaining("above limit");
            assertThat(fake.requests).isZero();
        }
    }

    /** A single-connection peer that serves the given bytes as metadata, one piece per request. */
    private static final class FakePeer implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;
        volatile int requests;

        FakePeer(byte[] metadata) throws Exception {
            server = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.2"));
            thread = new Thread(() -> serve(metadata), "fake-metadata-peer");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.2", server.getLocalPort());
        }

        private void serve(byte[] metadata) {
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                byte[] hs = new byte[68];
                in.readFully(hs);
                hs[25] |= 0x10; // echo their handshake with the extension bit: same info hash
                out.write(hs);
                send(out, 0, Bencode.encode(new BDict().put("m", new BDict().put("ut_metadata", 3L))
                        .put("metadata_size", (long) metadata.length)));
                int theirId = 0;
                while (true) {
                    int len = in.readInt();
                    byte[] msg = new byte[len];
                    in.readFully(msg);
                    if (len < 2 || msg[0] != 20) {
                        continue;
                    }
                    byte[] payload = Arrays.copyOfRange(msg, 2, len);
                    if (msg[1] == 0) {
                        theirId = ((BDict) Bencode.decode(payload)).getDict("m").getLong("ut_metadata").intValue();
                    } else if (msg[1] == 3) {
                        requests++;
                        int piece = ((BDict) Bencode.decodePrefix(payload, 0).value()).getLong("piece").intValue();
                        int from = piece * 16384;
                        byte[] data = Arrays.copyOfRange(metadata, from, Math.min(metadata.length, from + 16384));
                        byte[] head = Bencode.encode(new BDict().put("msg_type", 1L).put("piece", (long) piece)
                                .put("total_size", (long) metadata.length));
                        byte[] body = Arrays.copyOf(head, head.length + data.length);
                        System.arraycopy(data, 0, body, head.length, data.length);
                        send(out, theirId, body);
                    }
                }
            } catch (Exception e) {
                // connection closed by the resolver: done
            }
        }

        private static void send(DataOutputStream out, int extId, byte[] payload) throws Exception {
            out.writeInt(payload.length + 2);
            out.write(20);
            out.write(extId);
            out.write(payload);
            out.flush();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5000);
        }
    }
}
