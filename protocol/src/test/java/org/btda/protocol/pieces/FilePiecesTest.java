package org.btda.protocol.pieces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.btda.protocol.metainfo.FileEntry;
import org.junit.jupiter.api.Test;

class FilePiecesTest {
    @Test
    void aPieceThatSpansTwoFilesCountsForBoth() {
        // piece length 10: file 0 = bytes 0..24 (pieces 0-2), file 1 = 25..34 (pieces 2-3), file 2 = 35..59 (3-5)
        FilePieces layout = FilePieces.of(10, new long[] {25, 10, 25}, new boolean[3]);
        assertThat(layout.pieceCount()).isEqualTo(6);
        assertThat(layout.piecesOf(0)).isEqualTo(3);
        assertThat(layout.piecesOf(1)).isEqualTo(2);
        assertThat(layout.piecesOf(2)).isEqualTo(3);
        PieceSet peer = new PieceSet(6);
        peer.applyHave(2);
        peer.applyHave(3);
        assertThat(layout.held(peer)).containsExactly(1, 2, 1);
        peer.applyHaveAll();
        assertThat(layout.held(peer)).containsExactly(3, 2, 3);
    }

    @Test
    void paddingAndEmptyFilesOwnNoPiece() {
        // BEP 47: file 0 (15 bytes) padded to the piece boundary by a 5-byte padding file; an empty file; file 3 = 20 bytes
        FilePieces layout = FilePieces.of(10, List.of(
                new FileEntry(List.of("a"), 15, false), new FileEntry(List.of(".pad", "5"), 5, true),
                new FileEntry(List.of("empty"), 0, false), new FileEntry(List.of("b"), 20, false)));
        assertThat(layout.fileCount()).isEqualTo(4);
        assertThat(layout.counted(1)).isFalse();
        assertThat(layout.counted(2)).isFalse();
        assertThat(layout.piecesOf(1)).isZero();
        assertThat(layout.firstPiece(3)).isEqualTo(2);
        assertThat(layout.lastPiece(3)).isEqualTo(3);
        PieceSet peer = new PieceSet(4);
        peer.applyHave(1);      // the padded piece belongs to file 0 only
        peer.applyHave(2);
        assertThat(layout.held(peer)).containsExactly(1, 0, 0, 1);
    }

    @Test
    void matchesABruteForceCountForRandomLayouts() {
        Random r = new Random(47);
        for (int round = 0; round < 300; round++) {
            int files = 1 + r.nextInt(40);
            long pieceLength = 1 + r.nextInt(64);
            long[] lengths = new long[files];
            boolean[] padding = new boolean[files];
            long total = 0;
            for (int i = 0; i < files; i++) {
                lengths[i] = r.nextInt(5) == 0 ? 0 : r.nextInt(300);
                padding[i] = r.nextInt(6) == 0;
                total += lengths[i];
            }
            if (total == 0) lengths[0] = total = 1 + r.nextInt(100);
            FilePieces layout = FilePieces.of(pieceLength, lengths, padding);
            int pieces = (int) ((total + pieceLength - 1) / pieceLength);
            assertThat(layout.pieceCount()).isEqualTo(pieces);
            PieceSet peer = new PieceSet(pieces);
            for (int p = 0; p < pieces; p++) if (r.nextBoolean()) peer.applyHave(p);
            if (r.nextInt(10) == 0) peer.applyHaveAll();
            int[] held = layout.held(peer);
            long offset = 0;
            for (int i = 0; i < files; i++) {
                int expectedHeld = 0, expectedTotal = 0;
                if (lengths[i] > 0 && !padding[i]) {
                    for (int p = 0; p < pieces; p++) {
                        long start = p * pieceLength, end = start + pieceLength;
                        if (start < offset + lengths[i] && end > offset) {
                            expectedTotal++;
                            if (peer.has(p)) expectedHeld++;
                        }
                    }
                }
                assertThat(layout.piecesOf(i)).as("round %d file %d total", round, i).isEqualTo(expectedTotal);
                assertThat(held[i]).as("round %d file %d held", round, i).isEqualTo(expectedHeld);
                offset += lengths[i];
            }
        }
    }

    @Test
    void countRangeMatchesHasOverEveryRange() {
        Random r = new Random(3);
        PieceSet s = new PieceSet(200);
        for (int p = 0; p < 200; p++) if (r.nextBoolean()) s.applyHave(p);
        for (int from = 0; from <= 200; from++) {
            int expected = 0;
            for (int to = from; to <= 200; to++) {
                assertThat(s.countRange(from, to)).isEqualTo(expected);
                if (to < 200 && s.has(to)) expected++;
            }
        }
        assertThatThrownBy(() -> s.countRange(5, 201)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> s.countRange(6, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void rejectsLayoutsOutsideItsBounds() {
        assertThatThrownBy(() -> FilePieces.of(0, new long[] {1}, new boolean[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FilePieces.of(10, new long[0], new boolean[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FilePieces.of(10, new long[] {-1, 5}, new boolean[2])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FilePieces.of(10, new long[] {0, 0}, new boolean[2])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FilePieces.of(1, new long[] {Long.MAX_VALUE, 1}, new boolean[2]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FilePieces.of(1, new long[] {1L << 32}, new boolean[1]))
                .hasMessageContaining("2^31-1");
        FilePieces layout = FilePieces.of(10, new long[] {10}, new boolean[1]);
        assertThatThrownBy(() -> layout.held(new PieceSet(2))).isInstanceOf(IllegalArgumentException.class);
    }
}
