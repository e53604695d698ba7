package org.btda.events.codec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every schema version ever published under {@code schemas/history/<RecordName>/v<N>.avsc}, looked up by the
 * 64-bit CRC fingerprint that prefixes single-object encoded values.
 *
 * <p>The files are packaged as classpath resources {@code btda-schemas/history/...}. Because a jar cannot be listed
 * portably, {@code btda-schemas/history/INDEX} names them, one relative path a line (a test checks it matches the
 * directory). Each file is self-contained: named types are inlined, so old versions never depend on current files.
 */
public final class HistorySchemaStore implements SchemaStore {
    static final String ROOT = "btda-schemas/history/";
    static final String INDEX = ROOT + "INDEX";
    private static final int MAX_INDEX_LINES = 10_000;

    private static final HistorySchemaStore INSTANCE = loadFromClasspath();

    private final Map<Long, Schema> byFingerprint;
    private final List<Version> versions;

    /** One history file. */
    public record Version(String recordName, int version, String resource, Schema schema, long fingerprint) {}

    private HistorySchemaStore(List<Version> versions) {
        Map<Long, Schema> map = new LinkedHashMap<>();
        for (Version v : versions) {
            Schema previous = map.putIfAbsent(v.fingerprint(), v.schema());
            // Two files with the same canonical form are harmless (identical schemas); nothing to do.
            if (previous != null && !previous.getFullName().equals(v.schema().getFullName())) {
                throw new IllegalStateException("fingerprint collision between " + previous.getFullName() + " and " + v.resource());
            }
        }
        this.byFingerprint = Collections.unmodifiableMap(map);
        this.versions = List.copyOf(versions);
    }

    /** The store built from the classpath; loaded once per JVM. */
    public static HistorySchemaStore get() {
        return INSTANCE;
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    /** Every history file, in index order. */
    public List<Version> versions() {
        return versions;
    }

    /** Whether some history file has this schema's canonical form. */
    public boolean contains(Schema schema) {
        return byFingerprint.containsKey(fingerprint(schema));
    }

    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static HistorySchemaStore loadFromClasspath() {
        ClassLoader loader = HistorySchemaStore.class.getClassLoader();
        List<String> paths = readIndex(loader);
        List<Version> versions = new ArrayList<>(paths.size());
        for (String relative : paths) {
            versions.add(load(loader, relative));
        }
        return new HistorySchemaStore(versions);
    }

    private static List<String> readIndex(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(INDEX)) {
            if (in == null) {
                throw new IllegalStateException("schema history index " + INDEX + " missing from the classpath");
            }
            List<String> paths = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (paths.size() >= MAX_INDEX_LINES) {
                    throw new IllegalStateException(INDEX + " has more than " + MAX_INDEX_LINES + " entries");
                }
                paths.add(line);
            }
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + INDEX, e);
        }
    }

    static Version load(ClassLoader loader, String relative) {
        String[] parts = relative.split("/");
        if (parts.length != 2 || !parts[1].matches("v[1-9][0-9]{0,4}\\.avsc")) {
            throw new IllegalStateException(INDEX + ": entry '" + relative + "' is not <RecordName>/v<N>.avsc");
        }
        int version = Integer.parseInt(parts[1].substring(1, parts[1].length() - ".avsc".length()));
        String resource = ROOT + relative;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(INDEX + " lists " + relative + " but " + resource + " is not on the classpath");
            }
            Schema schema = new Schema.Parser().parse(in);
            if (!schema.getName().equals(parts[0])) {
                throw new IllegalStateException(resource + " defines " + schema.getFullName() + ", expected record " + parts[0]);
            }
            return new Version(parts[0], version, resource, schema, fingerprint(schema));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        } catch (org.apache.avro.SchemaParseException e) {
            throw new IllegalStateException("invalid schema " + resource + ": " + e.getMessage(), e);
        }
    }
}
