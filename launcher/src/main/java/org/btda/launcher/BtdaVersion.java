package org.btda.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The btda version from the build ({@code version.properties}, filtered by Maven), for the run record. */
public final class BtdaVersion {
    private static final String RESOURCE = "/org/btda/launcher/version.properties";
    private static final String VERSION = load();

    private BtdaVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BtdaVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown").strip();
            // Unfiltered (run from an IDE without Maven's resource step): say so rather than record the placeholder.
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
