package org.btda.sink.clickhouse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One migration file {@code V###__name.sql}: its version, file name, text and the SHA-256 of the text. */
public record Migration(int version, String fileName, String text, String checksum) {
    private static final Pattern NAME = Pattern.compile("V(\\d{1,9})__[A-Za-z0-9_]+\\.sql");

    public static Migration of(String fileName, String text) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException("migration file name must look like V001__name.sql: " + fileName);
        }
        return new Migration(Integer.parseInt(m.group(1)), fileName, text, sha256(text));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
