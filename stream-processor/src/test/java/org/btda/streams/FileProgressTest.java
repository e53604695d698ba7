package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FileProgressTest {
    static final FileProgress.Threshold T98 = (have, total) -> RevisitPolicy.atOrAbove(have, total, 0.98);

    /** One observation of a torrent with files of these piece totals, holding these counts. */
    static int[] obs(int[] have, int[] total) {
        int[] runs = new int[3 * have.length];
        for (int i = 0; i < have.length; i++) {
            runs[3 * i] = 1;
            runs[3 * i + 1] = have[i];
            runs[3 * i + 2] = total[i];
        }
        return runs;
    }

    @Test
    void aFileSeenBelowThenAboveIsDownloadedOnceAndLaterSamplesChangeNothing() {
        int[] total = {10, 4, 0, 50};          // file 2 is padding
        FileProgress p = new FileProgress(4);
        assertThat(p.add(1000, obs(new int[] {0, 0, 0, 0}, total), T98)).isEmpty();
        assertThat(p.add(2000, obs(new int[] {5, 4, 0, 1}, total), T98))
                .containsExactly(new FileProgress.Crossing(1, 4, 2000, 1000, 1));
        assertThat(p.add(3000, obs(new int[] {10, 4, 0, 2}, total), T98))
                .containsExactly(new FileProgress.Crossing(0, 10, 3000, 2000, 2));
        assertThat(p.add(4000, obs(new int[] {10, 4, 0, 3}, total), T98)).isEmpty();
        assertThat(p.runs[2]).isNull();
        // a late sample below, between the last below and the crossing of file 0, corrects its last_below_at
        assertThat(p.add(2500, obs(new int[] {6, 4, 0, 1}, total), T98))
                .containsExactly(new FileProgress.Crossing(0, 10, 3000, 2500, 3));
    }

    @Test
    void aFileAlreadyCompleteAtTheFirstSampleIsNotADownload() {
        FileProgress p = new FileProgress(2);
        assertThat(p.add(1000, obs(new int[] {3, 0}, new int[] {3, 3}), T98)).isEmpty();
        assertThat(p.add(2000, obs(new int[] {3, 3}, new int[] {3, 3}), T98))
                .extracting(FileProgress.Crossing::file).containsExactly(1);
    }

    @Test
    void runLengthRunsCoverConsecutiveFiles() {
        FileProgress p = new FileProgress(5);
        p.add(1000, new int[] {5, 0, 2}, T98);
        List<FileProgress.Crossing> c = p.add(2000, new int[] {2, 2, 2, 3, 1, 2}, T98);
        assertThat(c).extracting(FileProgress.Crossing::file).containsExactly(0, 1);
        assertThat(FileProgress.fileCount(new int[] {2, 2, 2, 3, 1, 2})).isEqualTo(5);
        assertThat(FileProgress.fileCount(new int[] {0, 0, 2})).isEqualTo(-1);
        assertThat(FileProgress.fileCount(new int[] {1, 3, 2})).isEqualTo(-1);
        assertThat(FileProgress.fileCount(new int[] {1, 0})).isEqualTo(-1);
        assertThat(FileProgress.fileCount(new int[0])).isEqualTo(-1);
    }

    /**
     * Monotone progress (what a peer that keeps its pieces shows), samples in every kind of order: the final file
     * downloads equal the rule applied to the sorted samples, and the last emission per file is that answer.
     */
    @Test
    void anyArrivalOrderGivesTheDownloadsOfTheSortedSamples() {
        Random r = new Random(14);
        for (int round = 0; round < 300; round++) {
            int files = 1 + r.nextInt(6);
            int[] total = new int[files];
            for (int f = 0; f < files; f++) total[f] = r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(20);
            int samples = 1 + r.nextInt(12);
            long[] at = new long[samples];
            int[][] have = new int[samples][files];
            int[] current = new int[files];
            for (int i = 0; i < samples; i++) {
                at[i] = 1000L * (i + 1) + r.nextInt(500);
                for (int f = 0; f < files; f++) {
                    if (total[f] > 0 && r.nextBoolean()) current[f] = Math.min(total[f], current[f] + r.nextInt(total[f] + 1));
                    have[i][f] = current[f];
                }
            }
            Map<Integer, long[]> expected = reference(at, have, total);
            for (int order = 0; order < 4; order++) {
                List<Integer> idx = new ArrayList<>();
                for (int i = 0; i < samples; i++) idx.add(i);
                if (order == 1) Collections.reverse(idx);
                if (order >= 2) Collections.shuffle(idx, r);
                FileProgress p = new FileProgress(files);
                Map<Integer, long[]> emitted = new HashMap<>();
                long lastVersion = 0;
                for (int i : idx) {
                    for (FileProgress.Crossing c : p.add(at[i], obs(have[i], total), T98)) {
                        assertThat(c.version()).isGreaterThan(lastVersion);
                        lastVersion = c.version();
                        emitted.put(c.file(), new long[] {c.crossedAt(), c.lastBelowAt()});
                    }
                }
                assertThat(emitted.keySet()).as("round %d order %d", round, order).isEqualTo(expected.keySet());
                for (Map.Entry<Integer, long[]> e : expected.entrySet()) {
                    assertThat(emitted.get(e.getKey())).as("round %d file %d", round, e.getKey()).containsExactly(e.getValue());
                }
            }
        }
    }

    /** Above, then below (pieces lost), then above again: the download is the second crossing whatever the order. */
    @Test
    void aPeerThatLostAFileAndGotItBackCrossesAfterTheLoss() {
        int[] total = {10};
        long[] at = {1000, 2000, 3000, 4000};
        int[] have = {10, 2, 5, 10};
        List<List<Integer>> orders = List.of(List.of(0, 1, 2, 3), List.of(3, 2, 1, 0), List.of(1, 3, 0, 2), List.of(2, 0, 3, 1));
        for (List<Integer> order : orders) {
            FileProgress p = new FileProgress(1);
            for (int i : order) p.add(at[i], obs(new int[] {have[i]}, total), T98);
            assertThat(FileProgress.crossedAt(p.runs[0])).as("order %s", order).isEqualTo(4000);
            assertThat(FileProgress.runCount(p.runs[0])).isLessThanOrEqualTo(FileProgress.MAX_RUNS);
        }
    }

    /** The rule on sorted samples, per file: b0 = first below, crossing = first at/above after it. */
    static Map<Integer, long[]> reference(long[] at, int[][] have, int[] total) {
        Integer[] order = new Integer[at.length];
        for (int i = 0; i < at.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Long.compare(at[a], at[b]));
        Map<Integer, long[]> out = new HashMap<>();
        for (int f = 0; f < total.length; f++) {
            if (total[f] == 0) continue;
            long lastBelow = -1;
            for (int i : order) {
                boolean above = T98.test(have[i][f], total[f]);
                if (!above) lastBelow = at[i];
                else if (lastBelow >= 0) {
                    out.put(f, new long[] {at[i], lastBelow});
                    break;
                }
            }
        }
        return out;
    }
}
