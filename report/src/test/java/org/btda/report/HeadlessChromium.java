package org.btda.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's chromium, headless, isolated: a fresh profile, no background traffic, and every host name resolving to
 * nothing, so a page that tried to fetch anything would fail visibly (and show in its resource entries). Public (in
 * the report's test-jar) so the real-swarm end-to-end test renders the report of its run the same way.
 */
public final class HeadlessChromium {
    private static final long TIMEOUT_S = 120;

    private HeadlessChromium() {
    }

    public static String binary() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        throw new IllegalStateException("chromium not found on PATH: run scripts/setup.sh apt (installs Debian's chromium)");
    }

    /** The DOM after the page's scripts ran (virtual time lets timers and the load event fire). */
    public static String dumpDom(Path page) {
        return run(page, List.of("--dump-dom", "--virtual-time-budget=10000"), null);
    }

    /** A PNG of the page's top {@code width x height} pixels. */
    public static void screenshot(Path page, Path png, int width, int height) {
        run(page, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--virtual-time-budget=10000"), png);
        if (!Files.isRegularFile(png)) {
            throw new IllegalStateException("chromium wrote no screenshot to " + png);
        }
    }

    /**
     * The text of {@code <pre id="report-check">} in a rendered DOM: the JSON summary report.js writes of every chart's
     * series and every table it drew.
     */
    public static String reportCheck(String dom) {
        int open = dom.indexOf("<pre id=\"report-check\"");
        if (open < 0) {
            throw new IllegalStateException("no report-check element in the rendered page");
        }
        int start = dom.indexOf('>', open) + 1;
        int end = dom.indexOf("</pre>", start);
        return dom.substring(start, end).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&amp;", "&");
    }

    private static String run(Path page, List<String> mode, Path expectedFile) {
        Path profile = null;
        try {
            profile = Files.createTempDirectory("btda-chromium-");
            List<String> cmd = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile, "--host-resolver-rules=MAP * ~NOTFOUND"));
            cmd.addAll(mode);
            cmd.add(page.toUri().toString());
            Path out = profile.resolve("stdout.txt");
            Path err = profile.resolve("stderr.txt");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("chromium did not finish in " + TIMEOUT_S + " s");
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("chromium exited " + p.exitValue() + ": "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp profile left behind is harmless
        }
    }
}
