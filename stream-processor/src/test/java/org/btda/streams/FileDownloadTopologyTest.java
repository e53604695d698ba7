package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.btda.events.ConfirmedDownload;
import org.btda.events.FileDownload;
import org.btda.events.Observation;
import org.btda.events.TorrentFile;
import org.btda.events.TorrentRegistered;
import org.btda.events.codec.FilePiecesCodec;
import org.btda.events.codec.FilePiecesCodec.Run;
import org.junit.jupiter.api.Test;

/**
 * Per-file downloads through the whole topology. Observations of different peers are interleaved in every round:
 * peers live on different partitions in production, so that interleaving (and each peer's own arrival order) is
 * arbitrary; the folded result (newest version per torrent, peer and file, what ReplacingMergeTree keeps) must not
 * depend on it.
 */
class FileDownloadTopologyTest {
    static final StreamsSettings CFG = StreamsSettings.defaults();
    static final Instant T0 = TopologyFixture.T0;
    static final String IH = TopologyFixture.IH;
    // pieces per file: 20, 6, a padding file, 50, 4 (100 pieces of 16 KiB; no piece is shared, to keep counts readable)
    static final int[] TOTAL = {20, 6, 0, 50, 4};
    static final String[] PATHS = {"S01E01.mkv", "S01E02.mkv", ".pad/0", "extras/making-of.mkv", "subs/en.srt"};

    static TorrentRegistered torrent() {
        List<TorrentFile> files = new ArrayList<>();
        for (int i = 0; i < TOTAL.length; i++) files.add(new TorrentFile(PATHS[i], TOTAL[i] * 16384L, TOTAL[i] == 0));
        return TorrentRegistered.newBuilder(TopologyFixture.torrent(IH, 80, 16384, true)).setFileCount(TOTAL.length)
                .setFiles(files).build();
    }

    static Observation observation(String peer, int seconds, int... have) {
        List<Run> runs = new ArrayList<>();
        int sum = 0;
        for (int i = 0; i < have.length; i++) {
            runs.add(new Run(1, have[i], TOTAL[i]));
            sum += have[i];
        }
        return Observation.newBuilder(TopologyFixture.observation(IH, peer, null, T0.plusSeconds(seconds), sum, 80, 16384))
                .setFilePieces(FilePiecesCodec.encode(runs)).build();
    }

    static List<Observation> swarm() {
        List<Observation> obs = new ArrayList<>();
        // "episode": wants only S01E02 and the subtitles (the rest has priority 0)
        obs.add(observation("episode", 0, 0, 0, 0, 0, 0));
        obs.add(observation("episode", 300, 0, 3, 0, 0, 1));
        obs.add(observation("episode", 600, 0, 6, 0, 0, 4));
        obs.add(observation("episode", 900, 0, 6, 0, 0, 4));
        // "full": everything, the subtitles first
        obs.add(observation("full", 60, 2, 0, 0, 0, 4));
        obs.add(observation("full", 360, 20, 2, 0, 10, 4));
        obs.add(observation("full", 660, 20, 6, 0, 49, 4));     // 49/50 = 98 %: the extras are done here
        obs.add(observation("full", 960, 20, 6, 0, 50, 4));
        // "seed": complete at first sight: no download of anything
        obs.add(observation("seed", 30, 20, 6, 0, 50, 4));
        obs.add(observation("seed", 630, 20, 6, 0, 50, 4));
        // "stalled": half of S01E01, never more
        obs.add(observation("stalled", 100, 5, 0, 0, 0, 0));
        obs.add(observation("stalled", 700, 10, 0, 0, 0, 0));
        // an older evaluator's observation without file counts (v4) counts only for the whole torrent
        obs.add(Observation.newBuilder(observation("full", 1200, 20, 6, 0, 50, 4)).setFilePieces(null).build());
        return obs;
    }

    @Test
    void anyOrderAcrossPeersGivesExactlyTheFileDownloadsOfTheFilesEachPeerFinished() {
        Map<String, String> reference = null;
        Random random = new Random(14);
        for (int round = 0; round < 8; round++) {
            List<Observation> order = new ArrayList<>(swarm());
            if (round == 1) Collections.reverse(order);
            else if (round > 1) Collections.shuffle(order, random);
            try (TopologyFixture f = new TopologyFixture(CFG)) {
                f.torrents.pipeInput(IH, torrent());
                for (Observation o : order) f.observations.pipeInput(TopologyFixture.ref(o.getPeerKey()), o);
                List<FileDownload> rows = f.fileDownloads.readValuesToList();
                Map<String, FileDownload> newest = new TreeMap<>();
                for (FileDownload r : rows) {
                    newest.merge(r.getPeerKey() + "/" + r.getFileIndex(), r, (a, b) -> b.getVersion() > a.getVersion() ? b : a);
                }
                Map<String, String> folded = new TreeMap<>();
                newest.forEach((k, r) -> folded.put(k, r.getFilePath() + " " + r.getFileSize() + " " + r.getFilePieces()
                        + " crossed " + r.getCrossedAt() + " below " + r.getLastBelowAt()));
                assertThat(folded.keySet()).as("round %d", round)
                        .containsExactly("episode/1", "episode/4", "full/0", "full/1", "full/3");
                assertThat(folded.get("episode/1")).isEqualTo("S01E02.mkv " + 6 * 16384 + " 6 crossed " + T0.plusSeconds(600)
                        + " below " + T0.plusSeconds(300));
                assertThat(folded.get("full/3")).isEqualTo("extras/making-of.mkv " + 50 * 16384 + " 50 crossed "
                        + T0.plusSeconds(660) + " below " + T0.plusSeconds(360));
                if (reference == null) reference = folded;
                assertThat(folded).isEqualTo(reference);
                if (round == 0) {
                    assertThat(rows).as("in time order each file download is emitted exactly once").hasSize(5);
                }
                // versions never repeat for one peer: the newest one is unambiguous
                assertThat(rows.stream().map(r -> r.getPeerKey() + "#" + r.getVersion())).doesNotHaveDuplicates();
                // the whole-torrent rule is unchanged: only "full" is a confirmed download
                assertThat(f.confirmed.readValuesToList()).extracting(ConfirmedDownload::getPeerKey).containsOnly("full");
            }
        }
    }

    @Test
    void aFileDownloadBeforeTheTorrentIsRegisteredHasNoPathYet() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            for (Observation o : List.of(observation("episode", 0, 0, 0, 0, 0, 0), observation("episode", 600, 0, 6, 0, 0, 4))) {
                f.observations.pipeInput(TopologyFixture.ref("episode"), o);
            }
            List<FileDownload> rows = f.fileDownloads.readValuesToList();
            assertThat(rows).extracting(FileDownload::getFileIndex).containsExactly(1, 4);
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.getFilePath()).isNull();
                assertThat(r.getFileSize()).isNull();
            });
        }
    }

    @Test
    void anObservationWithAnotherFileCountDoesNotDisturbTheProgress() {
        try (TopologyFixture f = new TopologyFixture(CFG)) {
            f.torrents.pipeInput(IH, torrent());
            f.observations.pipeInput(TopologyFixture.ref("p"), observation("p", 0, 0, 0, 0, 0, 0));
            f.observations.pipeInput(TopologyFixture.ref("p"), Observation.newBuilder(observation("p", 100, 0, 6, 0, 0, 4))
                    .setFilePieces(FilePiecesCodec.encode(List.of(new Run(3, 1, 1)))).build());
            // undecodable counts are ignored too
            f.observations.pipeInput(TopologyFixture.ref("p"), Observation.newBuilder(observation("p", 150, 0, 6, 0, 0, 4))
                    .setFilePieces(java.nio.ByteBuffer.wrap(new byte[] {1, 5})).build());
            assertThat(f.fileDownloads.readValuesToList()).isEmpty();
            f.observations.pipeInput(TopologyFixture.ref("p"), observation("p", 200, 0, 6, 0, 0, 0));
            assertThat(f.fileDownloads.readValuesToList()).extracting(FileDownload::getFileIndex).containsExactly(1);
            assertThat(f.peerStore().get(TopologyFixture.ref("p")).files.fileCount()).isEqualTo(5);
        }
    }
}
