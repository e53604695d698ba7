package org.btda.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PeerRefsTest {
    private static final String IH = "c9e15763f722f23e98a29decdfae341b98d53056";
    private static final String PK = "00112233445566778899aabbccddeeff";

    @Test
    void joinsAndSplits() {
        String key = PeerRefs.key(IH, PK);
        assertThat(key).isEqualTo(IH + ":" + PK);
        assertThat(PeerRefs.infoHash(key)).isEqualTo(IH);
        assertThat(PeerRefs.peerKey(key)).isEqualTo(PK);
    }

    @Test
    void rejectsMalformedRefs() {
        assertThatThrownBy(() -> PeerRefs.key("abc", PK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerRefs.key(IH, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerRefs.infoHash(IH)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerRefs.infoHash("ab:cd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerRefs.peerKey(IH + ":")).isInstanceOf(IllegalArgumentException.class);
    }
}
