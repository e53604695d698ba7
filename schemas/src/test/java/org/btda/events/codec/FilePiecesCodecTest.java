package org.btda.events.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FilePiecesCodecTest {
    @Test
    void roundTripsRunsOfAnySize() {
        Random r = new Random(5);
        for (int round = 0; round < 200; round++) {
            List<FilePiecesCodec.Run> runs = new ArrayList<>();
            for (int i = 1 + r.nextInt(50); i > 0; i--) {
                int total = r.nextInt(5) == 0 ? r.nextInt(Integer.MAX_VALUE) : r.nextInt(300);
                runs.add(new FilePiecesCodec.Run(1 + r.nextInt(1000), total == 0 ? 0 : r.nextInt(total + 1), total));
            }
            assertThat(FilePiecesCodec.runs(FilePiecesCodec.encode(runs))).isEqualTo(runs);
        }
        // three one-byte varints per small run
        assertThat(FilePiecesCodec.encode(List.of(new FilePiecesCodec.Run(3, 2, 2))).remaining()).isEqualTo(3);
    }

    @Test
    void rejectsMalformedInput() {
        assertThatThrownBy(() -> FilePiecesCodec.decode(ByteBuffer.wrap(new byte[0]))).hasMessageContaining("no file runs");
        assertThatThrownBy(() -> FilePiecesCodec.decode(ByteBuffer.wrap(new byte[] {1, 2}))).hasMessageContaining("truncated");
        assertThatThrownBy(() -> FilePiecesCodec.decode(ByteBuffer.wrap(new byte[] {0, 0, 0}))).hasMessageContaining("bad file run");
        assertThatThrownBy(() -> FilePiecesCodec.decode(ByteBuffer.wrap(new byte[] {1, 3, 2}))).hasMessageContaining("bad file run");
        assertThatThrownBy(() -> FilePiecesCodec.decode(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, 0x7f, 0, 0}))).hasMessageContaining("overflow");
        // more files than any torrent may have
        List<FilePiecesCodec.Run> huge = List.of(new FilePiecesCodec.Run(FilePiecesCodec.MAX_FILES, 0, 1),
                new FilePiecesCodec.Run(1, 0, 1));
        assertThatThrownBy(() -> FilePiecesCodec.decode(FilePiecesCodec.encode(huge))).hasMessageContaining("files");
    }

    @Test
    void randomBytesGiveRunsOrIllegalArgumentException() {
        Random r = new Random(47);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            try {
                int[] t = FilePiecesCodec.decode(ByteBuffer.wrap(b));
                assertThat(t.length % 3).isZero();
                for (int k = 0; k < t.length; k += 3) assertThat(t[k] >= 1 && t[k + 1] <= t[k + 2] && t[k + 1] >= 0).isTrue();
            } catch (IllegalArgumentException expected) {
                // the one failure a reader handles
            }
        }
    }
}
