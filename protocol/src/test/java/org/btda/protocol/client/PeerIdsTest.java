package org.btda.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerIdsTest {
    @Test
    void idsAreTwentyAsciiBytesWithOurPrefixAndDescribeAsBtda() {
        byte[] id = PeerIds.generate();
        assertThat(id).hasSize(20);
        String text = new String(id, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("-BD0100-").matches("-BD0100-[0-9A-Za-z]{12}");
        assertThat(PeerIds.isOurs(text)).isTrue();
    }

    @Test
    void seededGeneratorIsReproducibleAndIdsDiffer() {
        assertThat(PeerIds.generateText(new Random(7))).isEqualTo(PeerIds.generateText(new Random(7)));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seen.add(PeerIds.generateText());
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void foreignOrDamagedIdsAreNotOurs() {
        assertThat(PeerIds.isOurs("-TR3000-abcdefghijkl")).isFalse();
        assertThat(PeerIds.isOurs("-BD0100-abcdefghijk")).isFalse();
        assertThat(PeerIds.isOurs("-BD0100-abcdefghij!l")).isFalse();
        assertThat(PeerIds.isOurs(null)).isFalse();
    }
}
