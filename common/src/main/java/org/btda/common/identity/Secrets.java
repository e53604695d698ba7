package org.btda.common.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** The per-deployment secret behind peer keys and endpoint sealing. */
public final class Secrets {
    public static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /**
     * Reads the secret at {@code file}, or creates it with 32 random bytes (mode 600) when missing. Creation is
     * atomic and never overwrites: the bytes go to a private temp file that is then hard-linked into place, so two
     * processes starting at once end up with the same secret.
     */
    public static byte[] loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create secret " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".secret", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            byte[] secret = new byte[SECRET_BYTES];
            RANDOM.nextBytes(secret);
            Files.write(tmp, secret);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException raced) {
                // Another process created it first; use theirs.
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static byte[] read(Path file) throws IOException {
        long size = Files.size(file);
        if (size != SECRET_BYTES) {
            throw new IOException("secret file " + file + " has " + size + " bytes, expected " + SECRET_BYTES);
        }
        return Files.readAllBytes(file);
    }
}
