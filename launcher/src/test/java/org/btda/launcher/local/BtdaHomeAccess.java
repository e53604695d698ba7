package org.btda.launcher.local;

import java.nio.file.Path;
import java.util.Map;

/** Test access to the checkout root (where README.md and scripts/ live). */
public final class BtdaHomeAccess {
    private BtdaHomeAccess() {
    }

    public static Path home() {
        return BtdaHome.find(Map.of());
    }
}
