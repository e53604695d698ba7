package org.btda.evaluator.contact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The libtorrent peer scripts of the evaluator's real-client tests (test resources under {@code /libtorrent}): copies
 * one into a test's directory together with {@code ltfixture.py}, the module every script imports from beside it.
 */
public final class LibtorrentScripts {

    private static final String FIXTURE = "ltfixture.py";

    private LibtorrentScripts() {
    }

    /** Copies {@code script} and the shared module into {@code dir}; returns the script's path there. */
    public static Path copy(Path dir, String script) {
        copyResource(dir, FIXTURE);
        return copyResource(dir, script);
    }

    private static Path copyResource(Path dir, String name) {
        Path file = dir.resolve(name);
        try (InputStream in = LibtorrentScripts.class.getResourceAsStream("/libtorrent/" + name)) {
            if (in == null) throw new IllegalStateException("no test resource /libtorrent/" + name);
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
