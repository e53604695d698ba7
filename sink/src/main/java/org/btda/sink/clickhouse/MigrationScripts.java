package org.btda.sink.clickhouse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading, parameter substitution and statement splitting of the migration files. They are packaged under
 * {@value #RESOURCE_DIR} with an index file, because a jar cannot be listed portably.
 */
public final class MigrationScripts {
    public static final String RESOURCE_DIR = "btda-sql/migrations";
    public static final String INDEX = "index.txt";
    /** Limits: our files are a few kilobytes; anything far larger is not a migration. */
    static final int MAX_FILE_BYTES = 1 << 20;
    static final int MAX_FILES = 1000;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
    /** Substituted values land inside SQL: only plain words and numbers are accepted. */
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private MigrationScripts() {
    }

    /** All migrations listed in the index, in version order. */
    public static List<Migration> load(ClassLoader loader) {
        String index = read(loader, RESOURCE_DIR + "/" + INDEX);
        List<Migration> out = new ArrayList<>();
        Set<Integer> versions = new HashSet<>();
        for (String line : index.split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            if (out.size() >= MAX_FILES) {
                throw new IllegalStateException("more than " + MAX_FILES + " migrations listed");
            }
            Migration m = Migration.of(name, read(loader, RESOURCE_DIR + "/" + name));
            if (!versions.add(m.version())) {
                throw new IllegalStateException("two migrations with version " + m.version());
            }
            out.add(m);
        }
        out.sort(Comparator.comparingInt(Migration::version));
        return out;
    }

    /** Replaces every {@code ${name}}; a placeholder without a value is an error, not an empty string. */
    public static String substitute(String sql, Map<String, String> params) {
        Matcher m = PLACEHOLDER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = params.get(name);
            if (value == null) {
                throw new IllegalArgumentException("migration parameter ${" + name + "} has no value");
            }
            if (!SAFE_VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException("migration parameter " + name + " has an unsafe value: " + value);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Splits a file into statements: a statement ends with a line whose last non-blank character is ';'. Comment
     * lines ({@code --}) never end a statement, and chunks holding only comments are dropped. Our files keep
     * semicolons out of string literals, so no tokenizer is needed.
     */
    public static List<String> split(String sql) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean hasCode = false;
        for (String line : sql.replace("\r\n", "\n").split("\n", -1)) {
            String trimmed = line.strip();
            boolean comment = trimmed.startsWith("--");
            if (comment || trimmed.isEmpty()) {
                if (hasCode) {
                    current.append(line).append('\n');
                }
                continue;
            }
            current.append(line).append('\n');
            hasCode = true;
            if (trimmed.endsWith(";")) {
                String stmt = current.toString().strip();
                statements.add(stmt.substring(0, stmt.length() - 1).strip());
                current.setLength(0);
                hasCode = false;
            }
        }
        if (hasCode) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static String read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + resource);
            }
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IllegalStateException(resource + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
