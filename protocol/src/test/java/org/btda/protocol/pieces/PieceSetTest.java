package org.btda.protocol.pieces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.Random;
import org.btda.protocol.pieces.PieceAccountingException.Reason;
import org.junit.jupiter.api.Test;

class PieceSetTest {
    @Test
    void unknownUntilFirstPieceInformation() {
        PieceSet s = new PieceSet(10);
        assertThat(s.known()).isFalse();
        assertThat(s.isKnown()).isFalse();
        assertThat(s.fraction()).isNaN();
        s.applyHaveNone();
        assertThat(s.known()).isTrue();
        assertThat(s.count()).isZero();
        assertThat(s.fraction()).isZero();
    }

    @Test
    void bitfieldThenHavesInArrivalOrder() {
        PieceSet s = new PieceSet(10); // 2 bytes, 6 spare bits
        s.applyBitfield(new byte[] {(byte) 0b1010_0000, (byte) 0b0100_0000});
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.has(0)).isTrue();
        assertThat(s.has(1)).isFalse();
        assertThat(s.has(2)).isTrue();
        assertThat(s.has(9)).isTrue();
        s.applyHave(1);
        s.applyHave(1); // repeated have does not double count
        s.applyHave(0);
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.fraction()).isEqualTo(0.4);
        // a second bitfield replaces the first, it is not merged
        s.applyBitfield(new byte[] {(byte) 0b0000_0001, 0});
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.has(7)).isTrue();
        assertThat(s.has(0)).isFalse();
        s.applyHaveAll();
        assertThat(s.count()).isEqualTo(10);
        assertThat(s.isComplete()).isTrue();
        assertThat(s.toBitfield()).containsExactly((byte) 0xff, (byte) 0b1100_0000);
        s.applyHaveNone();
        assertThat(s.count()).isZero();
        assertThat(s.toBitfield()).containsExactly(0, 0);
    }

    @Test
    void rejectsInvalidInputAndKeepsState() {
        PieceSet s = new PieceSet(10);
        s.applyHave(3);
        assertThatThrownBy(() -> s.applyBitfield(new byte[1])).isInstanceOf(PieceAccountingException.class)
                .satisfies(e -> assertThat(((PieceAccountingException) e).reason()).isEqualTo(Reason.WRONG_LENGTH))
                .hasMessageContaining("needs 2");
        assertThatThrownBy(() -> s.applyBitfield(new byte[3]))
                .satisfies(e -> assertThat(((PieceAccountingException) e).reason()).isEqualTo(Reason.WRONG_LENGTH));
        assertThatThrownBy(() -> s.applyBitfield(new byte[] {(byte) 0xff, 0b0010_0000}))
                .satisfies(e -> assertThat(((PieceAccountingException) e).reason()).isEqualTo(Reason.SPARE_BITS));
        assertThatThrownBy(() -> s.applyHave(10))
                .satisfies(e -> assertThat(((PieceAccountingException) e).reason())
                        .isEqualTo(Reason.INDEX_OUT_OF_RANGE));
        assertThatThrownBy(() -> s.applyHave(-1))
                .satisfies(e -> assertThat(((PieceAccountingException) e).reason())
                        .isEqualTo(Reason.INDEX_OUT_OF_RANGE)).hasMessageContaining("4294967295");
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.has(3)).isTrue();
    }

    @Test
    void exactMultipleOfEightHasNoSpareBits() {
        PieceSet s = new PieceSet(16);
        s.applyBitfield(new byte[] {(byte) 0xff, (byte) 0xff});
        assertThat(s.isComplete()).isTrue();
        assertThat(new PieceSet(64).bitfieldLength()).isEqualTo(8);
    }

    @Test
    void matchesBitSetOnRandomSequences() {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + r.nextInt(3000);
            PieceSet s = new PieceSet(n);
            BitSet model = new BitSet(n);
            for (int op = 0; op < 50; op++) {
                switch (r.nextInt(5)) {
                    case 0 -> {
                        byte[] bf = new byte[(n + 7) / 8];
                        r.nextBytes(bf);
                        int spare = bf.length * 8 - n;
                        bf[bf.length - 1] &= (byte) (0xff << spare);
                        s.applyBitfield(bf);
                        model.clear();
                        for (int i = 0; i < n; i++) {
                            if ((bf[i / 8] & (0x80 >>> (i % 8))) != 0) {
                                model.set(i);
                            }
                        }
                    }
                    case 1 -> {
                        s.applyHaveAll();
                        model.set(0, n);
                    }
                    case 2 -> {
                        s.applyHaveNone();
                        model.clear();
                    }
                    default -> {
                        int i = r.nextInt(n);
                        s.applyHave(i);
                        model.set(i);
                    }
                }
                assertThat(s.count()).isEqualTo(model.cardinality());
            }
            for (int i = 0; i < n; i++) {
                assertThat(s.has(i)).isEqualTo(model.get(i));
            }
        }
    }

    @Test
    void rejectsNonPositiveSize() {
        assertThatThrownBy(() -> new PieceSet(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
