package org.btda.events.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Guards the rule "never change a schema without keeping the old version under history/". */
class SchemaHistoryTest {
    private static final Path AVRO = Path.of("src/main/avro");
    private static final Path HISTORY = Path.of("history");

    @Test
    void everyCurrentSchemaHasItsExactVersionInHistory() throws IOException {
        List<String> missing = new ArrayList<>();
        List<Path> current = currentSchemaFiles();
        assertThat(current).isNotEmpty();
        for (Path file : current) {
            Schema schema = parseWithTypes(file);
            if (!HistorySchemaStore.get().contains(schema)) {
                missing.add(schema.getName() + " (" + file + "): copy it, with named types inlined, to history/"
                        + schema.getName() + "/v<next>.avsc and list it in history/INDEX");
            }
        }
        assertThat(missing).as("current schemas whose version is not kept in schemas/history").isEmpty();
    }

    @Test
    void indexListsExactlyTheHistoryFiles() throws IOException {
        Set<String> onDisk;
        try (Stream<Path> walk = Files.walk(HISTORY)) {
            onDisk = walk.filter(p -> p.toString().endsWith(".avsc"))
                    .map(p -> HISTORY.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> indexed = HistorySchemaStore.get().versions().stream()
                .map(v -> v.recordName() + "/v" + v.version() + ".avsc")
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(indexed).as("history/INDEX must list every file under history/").isEqualTo(onDisk);
    }

    @Test
    void versionsOfARecordAreNumberedWithoutGapsAndDiffer() {
        var byRecord = HistorySchemaStore.get().versions().stream()
                .collect(Collectors.groupingBy(HistorySchemaStore.Version::recordName));
        byRecord.forEach((name, versions) -> {
            List<Integer> numbers = versions.stream().map(HistorySchemaStore.Version::version).sorted().toList();
            for (int i = 0; i < numbers.size(); i++) {
                assertThat(numbers.get(i)).as(name + " version numbers").isEqualTo(i + 1);
            }
            assertThat(versions.stream().map(HistorySchemaStore.Version::fingerprint).distinct().count())
                    .as(name + ": each version must differ").isEqualTo(versions.size());
        });
        assertThat(byRecord.get("Observation")).hasSize(5);
    }

    @Test
    void observationV1IsCurrentWithoutEvaluator() {
        Schema v1 = HistorySchemaStore.get().versions().stream()
                .filter(v -> v.recordName().equals("Observation") && v.version() == 1).findFirst().orElseThrow().schema();
        Schema current = EventCodec.schemaOf(org.btda.events.Observation.class);
        List<String> currentNames = current.getFields().stream().map(Schema.Field::name).toList();
        List<String> v1Names = v1.getFields().stream().map(Schema.Field::name).toList();
        // later versions only appended fields (with defaults): v1 is a prefix, "evaluator" (v2) follows it
        assertThat(currentNames.get(v1Names.size())).isEqualTo("evaluator");
        assertThat(v1Names).isEqualTo(currentNames.subList(0, v1Names.size()));
    }

    private static List<Path> currentSchemaFiles() throws IOException {
        try (Stream<Path> files = Files.list(AVRO)) {
            return files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
    }

    /** Parses a top-level schema after the shared named types, like the avro-maven-plugin's imports. */
    private static Schema parseWithTypes(Path file) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        try (Stream<Path> types = Files.list(AVRO.resolve("types"))) {
            for (Path t : types.filter(p -> p.toString().endsWith(".avsc")).sorted().toList()) {
                parser.parse(t.toFile());
            }
        }
        return parser.parse(file.toFile());
    }
}
