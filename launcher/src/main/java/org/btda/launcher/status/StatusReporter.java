package org.btda.launcher.status;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints a {@link StatusLine} every interval and the summary when closed. On a terminal the line is rewritten in place
 * ({@code \r} and erase-to-end-of-line); otherwise (a log file, a pipe) every line is printed whole, so nothing is lost.
 */
public final class StatusReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    private static final String ERASE_LINE = "\033[K";

    private final Supplier<StatusFigures> figures;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final ScheduledExecutorService timer;
    private StatusFigures previous;
    private long previousNanos;
    private boolean lineOpen;
    private boolean closed;

    StatusReporter(Supplier<StatusFigures> figures, PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.figures = figures;
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.previousNanos = startNanos;
        this.previous = new StatusFigures(0L, 0L, 0L, 0L, 0L, 0L);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "btda-status");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts printing to stderr every {@code interval}; a zero interval prints only the summary. */
    public static StatusReporter start(Supplier<StatusFigures> figures, Duration interval) {
        StatusReporter r = new StatusReporter(figures, System.err, stderrIsTerminal(), System::nanoTime);
        if (!interval.isZero() && !interval.isNegative()) {
            long ms = interval.toMillis();
            r.timer.scheduleAtFixedRate(r::tickSafely, ms, ms, TimeUnit.MILLISECONDS);
        }
        return r;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            // A counter that throws must not end the status thread for the rest of the run.
            LOG.warn("status line failed: {}", e.toString());
        }
    }

    /** Prints one status line now. */
    synchronized void tick() {
        if (closed) {
            return;
        }
        StatusFigures now = figures.get();
        long t = nanoClock.getAsLong();
        String text = StatusLine.line(now, previous, Duration.ofNanos(t - previousNanos));
        previous = now;
        previousNanos = t;
        if (terminal) {
            out.print("\r" + text + ERASE_LINE);
            lineOpen = true;
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** Stops the line and prints the summary (final counts: call after the services stopped, before ClickHouse). */
    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            String summary = StatusLine.summary(figures.get(), Duration.ofNanos(nanoClock.getAsLong() - startNanos));
            if (lineOpen) {
                out.print("\r" + ERASE_LINE);
            }
            out.println(summary);
            out.flush();
        }
    }

    /**
     * Whether fd 2 is a terminal. Java has no isatty for stderr; on Linux /proc tells where fd 2 points. Elsewhere fall
     * back to {@link System#console()} (stdin and stdout are terminals), which is right for an interactive shell.
     */
    static boolean stderrIsTerminal() {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/2"));
            String t = target.toString();
            return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null;
        }
    }
}
