package org.btda.sink.queries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One analytics query from {@code sql/queries/*.sql}: its text, the parameters it uses ({@code {name:Type}}) and
 * the defaults its header documents ({@code -- @param name=default ; description}).
 */
record QueryFile(String name, String sql, Map<String, String> defaults, Set<String> usedParams) {
    /** Same limit as the migrations: a query file is a few kB; anything bigger is not one of ours. */
    private static final long MAX_BYTES = 64 * 1024;
    private static final Pattern PARAM_DOC = Pattern.compile("^-- @param (\\w+)=(.*?) ; \\S.*$", Pattern.MULTILINE);
    private static final Pattern PARAM_USE = Pattern.compile("\\{(\\w+):[^}]+}");

    static QueryFile load(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalStateException(file + " is larger than " + MAX_BYTES + " bytes");
            }
            String sql = Files.readString(file, StandardCharsets.UTF_8);
            Map<String, String> defaults = new LinkedHashMap<>();
            Matcher doc = PARAM_DOC.matcher(sql);
            while (doc.find()) {
                defaults.put(doc.group(1), doc.group(2));
            }
            Set<String> used = new TreeSet<>();
            Matcher use = PARAM_USE.matcher(stripComments(sql));
            while (use.find()) {
                used.add(use.group(1));
            }
            return new QueryFile(file.getFileName().toString(), sql, defaults, used);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every {@code *.sql} file in the queries directory, sorted by name. */
    static List<Path> all() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code sql/queries} under {@code -Dbtda.repo.root}, or under the nearest ancestor of the working dir holding it. */
    static Path directory() {
        String configured = System.getProperty("btda.repo.root");
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath().resolve("sql/queries");
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("sql/queries"))) {
                return p.resolve("sql/queries");
            }
        }
        throw new IllegalStateException("sql/queries not found above " + Paths.get("").toAbsolutePath());
    }

    /** The body without {@code --} comment lines: the header mentions parameters in prose. */
    private static String stripComments(String sql) {
        StringBuilder body = new StringBuilder();
        for (String line : sql.split("\n", -1)) {
            if (!line.strip().startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        return body.toString();
    }
}
