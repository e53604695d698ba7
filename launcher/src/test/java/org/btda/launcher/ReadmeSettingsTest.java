package org.btda.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.btda.common.config.Settings;
import org.btda.common.config.SettingsDoc;
import org.btda.launcher.local.BtdaHomeAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's settings table is exactly {@link SettingsDoc#markdown()}: a setting added, renamed or re-defaulted without
 * updating the README fails here. Fix: replace the text between the markers with the output of {@code bin/btda settings}.
 */
class ReadmeSettingsTest {
    private static final String BEGIN = "<!-- settings:begin -->\n";
    private static final String END = "<!-- settings:end -->";

    @TempDir
    Path dir;

    private static String readme() throws Exception {
        return Files.readString(BtdaHomeAccess.home().resolve("README.md"), StandardCharsets.UTF_8);
    }

    @Test
    void readmeTableEqualsTheGeneratedOne() throws Exception {
        String readme = readme();
        int b = readme.indexOf(BEGIN);
        int e = readme.indexOf(END);
        assertThat(b).as("README has " + BEGIN.strip()).isNotNegative();
        assertThat(e).as("README has " + END + " after the begin marker").isGreaterThan(b);
        assertThat(readme.indexOf(BEGIN, b + 1)).as("one settings table only").isNegative();
        assertThat(readme.substring(b + BEGIN.length(), e))
                .as("README settings table; regenerate it with `bin/btda settings`")
                .isEqualTo(SettingsDoc.markdown());
    }

    @Test
    void tableListsEveryKeyWithItsEnvironmentVariable() {
        String table = SettingsDoc.markdown();
        assertThat(Settings.all()).isNotEmpty().allSatisfy(s ->
                assertThat(table).contains("| `" + s.key() + "` | `" + s.envVar() + "` |"));
    }

    @Test
    void theDocumentedExampleConfigFileParses() throws Exception {
        Matcher m = Pattern.compile("```properties\n(.*?)```", Pattern.DOTALL).matcher(readme());
        assertThat(m.find()).as("README shows a --config example").isTrue();
        Path file = Files.writeString(dir.resolve("btda.properties"), m.group(1));
        Settings s = Settings.builder().file(file).build();
        assertThat(s.get(Settings.NETWORK_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.get(Settings.EVALUATOR_MAX_SESSIONS)).isEqualTo(500);
        assertThat(s.get(Settings.DO_NOT_CONTACT)).isEqualTo(List.of("10.0.0.0/8", "192.168.0.0/16"));
        assertThat(s.source(Settings.TORRENTS_DIR)).isEqualTo(Settings.Source.FILE);
    }
}
