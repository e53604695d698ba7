package org.btda.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.btda.common.config.Settings;
import org.btda.evaluator.contact.EncryptionPolicy;
import org.junit.jupiter.api.Test;

class EvaluatorConfigTest {
    @Test
    void readsTheEvaluatorSettings() {
        Settings s = Settings.defaults()
                .with("evaluator.max-sessions", "12000")
                .with("evaluator.connect-timeout", "3s")
                .with("network.timeout", "7s")
                .with("evaluator.session-cap", "40s")
                .with("evaluator.max-messages", "99")
                .with("evaluator.bind-address", "10.1.2.3")
                .with("evaluator.stale-after", "2m")
                .with("evaluator.piece-grace", "750ms")
                .with("evaluator.holepunch", "false");
        EvaluatorConfig c = EvaluatorConfig.from(s);
        assertThat(c.maxSessions()).isEqualTo(12000);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.quietTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.sessionCap()).isEqualTo(Duration.ofSeconds(40));
        assertThat(c.maxMessages()).isEqualTo(99);
        assertThat(c.bindAddress().getHostAddress()).isEqualTo("10.1.2.3");
        assertThat(c.staleAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.pieceGrace()).isEqualTo(Duration.ofMillis(750));
        assertThat(c.holepunch()).isFalse();
        assertThat(EvaluatorConfig.from(Settings.defaults()).bindAddress()).isNull();
        assertThat(EvaluatorConfig.from(s).instanceId()).isNotEqualTo(c.instanceId());
    }

    @Test
    void defaultsAreTheRegistrysDefaults() {
        EvaluatorConfig d = EvaluatorConfig.defaults();
        Settings s = Settings.defaults();
        assertThat(d.maxSessions()).isEqualTo(s.get(Settings.EVALUATOR_MAX_SESSIONS));
        assertThat(d.connectTimeout()).isEqualTo(s.get(Settings.EVALUATOR_CONNECT_TIMEOUT));
        assertThat(d.quietTimeout()).isEqualTo(s.get(Settings.NETWORK_TIMEOUT));
        assertThat(d.sessionCap()).isEqualTo(s.get(Settings.EVALUATOR_SESSION_CAP));
        assertThat(d.maxMessages()).isEqualTo(s.get(Settings.EVALUATOR_MAX_MESSAGES));
        assertThat(d.maxFrameBytes()).isEqualTo(s.get(Settings.EVALUATOR_MAX_FRAME_BYTES));
        assertThat(d.staleAfter()).isEqualTo(s.get(Settings.EVALUATOR_STALE_AFTER));
        assertThat(d.pieceGrace()).isEqualTo(s.get(Settings.EVALUATOR_PIECE_GRACE));
        assertThat(d.bindAddress()).isNull();
        assertThat(d.ioThreads()).isZero();
        assertThat(d.encryption()).isEqualTo(EncryptionPolicy.parse(s.get(Settings.EVALUATOR_ENCRYPTION)))
                .isEqualTo(EncryptionPolicy.LEARN);
        assertThat(d.mseMaxHandshakes()).isEqualTo(s.get(Settings.EVALUATOR_MSE_MAX_HANDSHAKES));
        assertThat(d.holepunch()).isEqualTo(s.get(Settings.EVALUATOR_HOLEPUNCH)).isTrue();
    }

    @Test
    void readsTheEncryptionSettingsAndRejectsAnUnknownPolicy() {
        EvaluatorConfig c = EvaluatorConfig.from(Settings.defaults().with("evaluator.encryption", "Encrypted-Only")
                .with("evaluator.mse-max-handshakes", "8"));
        assertThat(c.encryption()).isEqualTo(EncryptionPolicy.ENCRYPTED_ONLY);
        assertThat(c.mseMaxHandshakes()).isEqualTo(8);
        assertThatThrownBy(() -> Settings.defaults().with("evaluator.encryption", "rc4-please"))
                .hasMessageContaining("evaluator.encryption").hasMessageContaining("plain-first");
    }
}
