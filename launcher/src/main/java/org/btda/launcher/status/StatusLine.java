package org.btda.launcher.status;

import java.time.Duration;
import java.util.Locale;

/** Text of the live status line and of the exit summary. Pure functions, so the format is tested without a clock. */
public final class StatusLine {
    private StatusLine() {
    }

    /**
     * One line, e.g. {@code torrents 3 | peers 1,204 | contacts/s 12.4 | observations 5,310 | downloads 17 | rows 9,001}.
     *
     * @param previous figures of the previous line (or at start), for the contacts/s rate over {@code elapsed}
     */
    public static String line(StatusFigures now, StatusFigures previous, Duration elapsed) {
        return "torrents " + count(now.torrents())
                + " | peers " + count(now.peersKnown())
                + " | contacts/s " + rate(now.contacts(), previous.contacts(), elapsed)
                + " | observations " + count(now.observations())
                + " | downloads " + count(now.confirmedDownloads())
                + " | rows " + count(now.rowsInserted());
    }

    /** The summary at exit: the same figures as totals, the mean contact rate and the run time. */
    public static String summary(StatusFigures total, Duration runTime) {
        return "btda ran " + duration(runTime) + ": torrents " + count(total.torrents())
                + ", peers known " + count(total.peersKnown())
                + ", contacts " + count(total.contacts()) + " (" + rate(total.contacts(), 0L, runTime) + "/s)"
                + ", observations " + count(total.observations())
                + ", confirmed downloads " + count(total.confirmedDownloads())
                + ", rows inserted " + count(total.rowsInserted());
    }

    static String count(Long n) {
        return n == null ? "?" : String.format(Locale.ROOT, "%,d", n);
    }

    /** Gained per second; "?" when either end is unknown or no time passed. A counter that went back (restart) shows 0. */
    static String rate(Long now, Long before, Duration elapsed) {
        if (now == null || before == null || elapsed.isZero() || elapsed.isNegative()) {
            return "?";
        }
        double perSecond = Math.max(0, now - before) * 1000.0 / elapsed.toMillis();
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }

    /** {@code 45s}, {@code 3m 05s}, {@code 2h 03m 05s}, {@code 1d 02h 03m 05s}. */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        long days = s / 86_400;
        long hours = s / 3600 % 24;
        long minutes = s / 60 % 60;
        long seconds = s % 60;
        if (days > 0) {
            return String.format(Locale.ROOT, "%dd %02dh %02dm %02ds", days, hours, minutes, seconds);
        }
        if (hours > 0) {
            return String.format(Locale.ROOT, "%dh %02dm %02ds", hours, minutes, seconds);
        }
        if (minutes > 0) {
            return String.format(Locale.ROOT, "%dm %02ds", minutes, seconds);
        }
        return seconds + "s";
    }
}
