package org.btda.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Runtime switch for {@code --debug}; the defaults are in logback.xml. */
public final class Logging {
    private static Level configured;
    private static boolean saved;

    private Logging() {
    }

    /** On: org.btda at DEBUG. Off: back to whatever logback.xml configured (only matters within one JVM, e.g. tests). */
    public static synchronized void debug(boolean on) {
        if (!(LoggerFactory.getLogger("org.btda") instanceof Logger logger)) {
            return;
        }
        if (on) {
            if (!saved) {
                configured = logger.getLevel();
                saved = true;
            }
            logger.setLevel(Level.DEBUG);
        } else if (saved) {
            logger.setLevel(configured);
        }
    }
}
