package org.btda.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigrationScriptsTest {

    @Test
    void splitsAtSemicolonsAtLineEndAndDropsCommentOnlyChunks() {
        String sql = """
                -- header comment; with a semicolon
                CREATE DATABASE IF NOT EXISTS x;

                -- about t
                CREATE TABLE x.t
                (
                    a UInt8 -- trailing comment
                )
                ENGINE = Memory;
                SELECT 'a;b' AS s;
                -- trailing comment only;
                """;
        List<String> statements = MigrationScripts.split(sql);
        assertThat(statements).hasSize(3);
        assertThat(statements.get(0)).isEqualTo("CREATE DATABASE IF NOT EXISTS x");
        assertThat(statements.get(1)).startsWith("CREATE TABLE x.t").endsWith("ENGINE = Memory")
                .contains("a UInt8 -- trailing comment");
        assertThat(statements.get(2)).isEqualTo("SELECT 'a;b' AS s");
    }

    @Test
    void keepsAFinalStatementWithoutSemicolon() {
        assertThat(MigrationScripts.split("SELECT 1;\nSELECT 2\n")).containsExactly("SELECT 1", "SELECT 2");
    }

    @Test
    void substitutesParametersAndRejectsMissingOrUnsafeValues() {
        assertThat(MigrationScripts.substitute("TTL x + INTERVAL ${days} DAY", Map.of("days", "30")))
                .isEqualTo("TTL x + INTERVAL 30 DAY");
        assertThatThrownBy(() -> MigrationScripts.substitute("${days}", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("days");
        assertThatThrownBy(() -> MigrationScripts.substitute("${days}", Map.of("days", "1; DROP TABLE x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsafe");
    }

    @Test
    void migrationNamesCarryTheirVersion() {
        assertThat(Migration.of("V012__more_things.sql", "x").version()).isEqualTo(12);
        assertThatThrownBy(() -> Migration.of("V1-bad.sql", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void indexListsEveryMigrationFileAndTheClasspathCarriesThem() throws IOException {
        Path dir = LocalClickHouse.repoRoot().resolve("sql/migrations");
        List<String> onDisk;
        try (Stream<Path> files = Files.list(dir)) {
            onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
        }
        List<Migration> loaded = MigrationScripts.load(getClass().getClassLoader());
        assertThat(loaded).extracting(Migration::fileName).containsExactlyElementsOf(onDisk);
        assertThat(loaded).extracting(Migration::version).isSorted().doesNotHaveDuplicates();
        for (Migration m : loaded) {
            assertThat(m.text()).isEqualTo(Files.readString(dir.resolve(m.fileName())));
        }
    }
}
