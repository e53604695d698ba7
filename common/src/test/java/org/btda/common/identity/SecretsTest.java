package org.btda.common.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void createsOnceWithMode600AndReloadsTheSameBytes() throws Exception {
        Path file = dir.resolve("state/secret");
        byte[] first = Secrets.loadOrCreate(file);
        assertThat(first).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Secrets.loadOrCreate(file)).isEqualTo(first);
        assertThat(Files.readAllBytes(file)).isEqualTo(first);
        assertThat(Secrets.loadOrCreate(dir.resolve("other"))).isNotEqualTo(first);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("secret");
        }
    }

    @Test
    void concurrentCreatorsAgree() throws Exception {
        Path file = dir.resolve("secret");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> Secrets.loadOrCreate(file)));
            }
            byte[] first = futures.get(0).get();
            for (Future<byte[]> f : futures) {
                assertThat(f.get()).isEqualTo(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsAFileOfTheWrongSize() throws Exception {
        Path file = dir.resolve("short");
        Files.write(file, new byte[5]);
        assertThatThrownBy(() -> Secrets.loadOrCreate(file)).hasMessageContaining("short");
    }
}
