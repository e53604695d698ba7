package org.btda.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file of sql/queries (packaged under {@code btda-sql/queries/}) with the defaults its header documents
 * ({@code -- @param name=default ; description}): the report passes every documented parameter, as users must.
 */
public record StudyQuery(String file, String sql, Map<String, String> defaults) {
    private static final Pattern PARAM_DOC = Pattern.compile("^-- @param (\\w+)=(.*?) ; \\S.*$", Pattern.MULTILINE);
    private static final int MAX_BYTES = 64 * 1024;

    public static StudyQuery load(String file) {
        String path = "/btda-sql/queries/" + file;
        try (InputStream in = StudyQuery.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("query " + path + " is not on the class path");
            }
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalStateException(path + " is larger than " + MAX_BYTES + " bytes");
            }
            String sql = new String(bytes, StandardCharsets.UTF_8);
            Map<String, String> defaults = new LinkedHashMap<>();
            Matcher m = PARAM_DOC.matcher(sql);
            while (m.find()) {
                defaults.put(m.group(1), m.group(2));
            }
            return new StudyQuery(file, sql, Map.copyOf(defaults));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documented defaults with {@code given} applied; a given parameter the file does not take is left out. */
    public Map<String, String> params(Map<String, String> given) {
        Map<String, String> p = new LinkedHashMap<>();
        defaults.keySet().stream().sorted().forEach(k -> p.put(k, given.getOrDefault(k, defaults.get(k))));
        return p;
    }
}
