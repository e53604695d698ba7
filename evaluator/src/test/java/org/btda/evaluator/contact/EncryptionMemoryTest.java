package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class EncryptionMemoryTest {
    static InetSocketAddress peer(int i) {
        return new InetSocketAddress("192.0.2." + (i % 250 + 1), 6881 + i);
    }

    @Test
    void whatWorkedWinsOverAPexHintAndTheMemoryIsBounded() {
        EncryptionMemory m = new EncryptionMemory(3);
        assertThat(m.encrypted(peer(1))).isNull();
        m.prefersEncryption(peer(1));
        assertThat(m.encrypted(peer(1))).isTrue();
        m.worked(peer(1), false);           // plaintext worked: back to the default, nothing kept
        assertThat(m.encrypted(peer(1))).isNull();
        assertThat(m.size()).isZero();
        m.worked(peer(1), true);
        m.prefersEncryption(peer(1));       // a hint never downgrades a contact's proof
        assertThat(m.encrypted(peer(1))).isTrue();
        for (int i = 2; i <= 10; i++) m.worked(peer(i), true);
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.encrypted(peer(1))).isNull(); // least recently used: forgotten
        assertThat(m.encrypted(peer(10))).isTrue();
    }

    @Test
    void policiesChooseTheFirstAttemptAndWhetherToRetry() {
        assertThat(EncryptionPolicy.LEARN.encryptedFirst(null)).isFalse();
        assertThat(EncryptionPolicy.LEARN.encryptedFirst(true)).isTrue();
        assertThat(EncryptionPolicy.PLAIN_FIRST.encryptedFirst(true)).isFalse();
        assertThat(EncryptionPolicy.ENCRYPTED_FIRST.encryptedFirst(false)).isTrue();
        assertThat(EncryptionPolicy.PLAIN_ONLY.retries()).isFalse();
        assertThat(EncryptionPolicy.ENCRYPTED_ONLY.retries()).isFalse();
        assertThat(EncryptionPolicy.LEARN.retries()).isTrue();
        assertThat(EncryptionPolicy.parse("encrypted-first")).isEqualTo(EncryptionPolicy.ENCRYPTED_FIRST);
    }
}
