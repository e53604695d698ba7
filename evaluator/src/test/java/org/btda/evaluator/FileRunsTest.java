package org.btda.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.btda.common.identity.PeerKeys;
import org.btda.evaluator.contact.ContactResult;
import org.btda.evaluator.contact.ContactTarget;
import org.btda.events.ContactRequest;
import org.btda.events.codec.FilePiecesCodec;
import org.btda.events.codec.FilePiecesCodec.Run;
import org.btda.events.Observation;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.btda.events.TorrentFile;
import org.btda.events.TorrentRegistered;
import org.btda.events.TorrentSource;
import org.btda.events.codec.EventCodec;
import org.btda.protocol.pieces.FilePieces;
import org.btda.protocol.pieces.PieceSet;
import org.junit.jupiter.api.Test;

class FileRunsTest {
    static final String HASH = "00112233445566778899aabbccddeeff00112233";

    @Test
    void equalFilesWithEqualCountsCollapseIntoOneRun() {
        // 6 files of 2 pieces each, then a padding file, then a 3-piece file; piece length 10
        long[] lengths = {20, 20, 20, 20, 20, 20, 0, 30};
        boolean[] padding = {false, false, false, false, false, false, true, false};
        FilePieces layout = FilePieces.of(10, lengths, padding);
        PieceSet peer = new PieceSet(15);
        for (int p = 0; p < 6; p++) peer.applyHave(p);      // files 0-2 complete
        peer.applyHave(12);
        List<Run> runs = FileRuns.runs(layout, layout.held(peer));
        assertThat(runs).containsExactly(new Run(3, 2, 2), new Run(3, 0, 2), new Run(1, 0, 0), new Run(1, 1, 3));
        assertThat(expand(runs)).containsExactly(2, 2, 2, 0, 0, 0, 0, 1);
        assertThat(FilePiecesCodec.runs(FileRuns.encode(layout, layout.held(peer)))).isEqualTo(runs);
    }

    @Test
    void tooManyRunsGiveNoCountsRatherThanAnOversizedObservation() {
        int files = FileRuns.MAX_RUNS + 1;
        long[] lengths = new long[files];
        for (int i = 0; i < files; i++) lengths[i] = 1 + (i & 1);      // alternating sizes: no two neighbours alike
        FilePieces layout = FilePieces.of(1, lengths, new boolean[files]);
        assertThat(FileRuns.encode(layout, new int[files])).isNull();
        assertThat(FileRuns.runs(layout, new int[files])).isNull();
    }

    @Test
    void aSuccessfulObservationOfAMultiFileTorrentCarriesItsFileCountsAndRoundTrips() throws Exception {
        FilePieces layout = FilePieces.of(10, new long[] {25, 10, 25}, new boolean[3]);
        InetAddress a = InetAddress.getByName("198.51.100.7");
        ContactTarget target = new ContactTarget(java.util.HexFormat.of().parseHex(HASH), new InetSocketAddress(a, 51413),
                6, layout);
        PieceSet peer = new PieceSet(6);
        peer.applyHave(2);
        peer.applyHave(3);
        ContactResult r = new ContactResult(target, null, null, 2, 1000, 2000, new byte[20], new byte[8], null, null,
                null, null, null, 3, 100, 10, List.of(), org.btda.events.Transport.TCP,
                org.btda.events.Encryption.PLAIN, layout.held(peer));
        ContactRequest req = new ContactRequest("req-1", HASH, "pk", new PeerEndpoint(ByteBuffer.wrap(a.getAddress()), 51413),
                Instant.now(), 0, PeerSource.TRACKER, 6, 10L);
        Observation o = new ObservationFactory("eval-1", new PeerKeys(new byte[32])).observation(req, r);
        assertThat(FilePiecesCodec.runs(o.getFilePieces())).containsExactly(new Run(1, 1, 3), new Run(1, 2, 2), new Run(1, 1, 3));
        Observation back = EventCodec.decode(Observation.class, EventCodec.encode(o));
        assertThat(FilePiecesCodec.runs(back.getFilePieces())).isEqualTo(FilePiecesCodec.runs(o.getFilePieces()));

        // unknown piece count: no file counts either (silence is not zero)
        ContactResult silent = new ContactResult(target, null, null, null, 1000, 1000, new byte[20], new byte[8], null,
                null, null, null, null, 1, 100, 10, List.of(), org.btda.events.Transport.TCP,
                org.btda.events.Encryption.PLAIN, null);
        assertThat(new ObservationFactory("eval-1", new PeerKeys(new byte[32])).observation(req, silent).getFilePieces())
                .isNull();
    }

    @Test
    void theCatalogBuildsALayoutOnlyForMultiFileRegistrationsThatAgreeWithThePieceCount() {
        TorrentRegistered.Builder t = TorrentRegistered.newBuilder().setInfoHash(HASH).setName("pack").setPieceLength(10)
                .setPieceCount(6).setTotalSize(60).setFileCount(3).setPrivate$(false).setTrackers(List.of())
                .setSource(TorrentSource.FILE).setOrigin("pack.torrent").setMonitored(true).setEventTime(Instant.EPOCH)
                .setFiles(List.of(new TorrentFile("a", 25L, false), new TorrentFile("b", 10L, false),
                        new TorrentFile("c", 25L, false)));
        FilePieces layout = TorrentCatalog.layout(t.build());
        assertThat(layout).isNotNull();
        assertThat(layout.piecesOf(1)).isEqualTo(2);
        assertThat(TorrentCatalog.layout(t.setPieceCount(7).build())).isNull();
        assertThat(TorrentCatalog.layout(t.setPieceCount(6).setFiles(List.of(new TorrentFile("one", 60L, false))).build()))
                .isNull();
        assertThat(TorrentCatalog.layout(t.setFiles(List.of()).build())).isNull();
    }

    static List<Integer> expand(List<Run> runs) {
        List<Integer> out = new ArrayList<>();
        for (Run run : runs) for (int i = 0; i < run.files(); i++) out.add(run.have());
        return out;
    }
}
