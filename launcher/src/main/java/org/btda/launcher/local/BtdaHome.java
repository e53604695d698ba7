package org.btda.launcher.local;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Finds the btda checkout (for {@code scripts/}): env {@code BTDA_HOME}, else the first ancestor of the jar that has scripts. */
public final class BtdaHome {
    static final String MARKER = "scripts/clickhouse.sh";
    private static final int MAX_LEVELS = 8;

    private BtdaHome() {
    }

    public static Path find(Map<String, String> env) {
        String fromEnv = env.get("BTDA_HOME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path home = Path.of(fromEnv).toAbsolutePath();
            if (!Files.isRegularFile(home.resolve(MARKER))) {
                throw new IllegalStateException("BTDA_HOME=" + fromEnv + " has no " + MARKER);
            }
            return home;
        }
        return fromCodeLocation().orElseThrow(() -> new IllegalStateException(
                "cannot find " + MARKER + ": set BTDA_HOME to the btda checkout (bin/btda does this)"));
    }

    static Optional<Path> fromCodeLocation() {
        try {
            Path p = Path.of(BtdaHome.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            for (int i = 0; i < MAX_LEVELS && p != null; i++, p = p.getParent()) {
                if (Files.isRegularFile(p.resolve(MARKER))) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
