package org.btda.it.e2e;

import java.io.File;
import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What the end-to-end tests that run their own clients (magnet/DHT, IPv6, multi-file swarms) share: process groups,
 * waiting for a line in a client's log, the namespace check and one-column ClickHouse reads.
 */
final class E2eProcesses {
    private E2eProcesses() {
    }

    static Set<String> column(ClickHouseHttp ch, String sql) throws IOException, InterruptedException {
        return ch.rows(sql).stream().map(r -> r[0]).collect(Collectors.toSet());
    }

    static String ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) + " ms";
    }

    static String awaitLine(Path log, String marker, Duration timeout) throws Exception {
        String[] found = new String[1];
        E2eWaits.until(timeout, marker + " in " + log, () -> {
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                if (line.contains(marker)) {
                    found[0] = line;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    static void stopGroup(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // already closed: the process sees EOF either way
        }
        signalGroup("TERM", p.pid());
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                signalGroup("KILL", p.pid());
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            signalGroup("KILL", p.pid());
            Thread.currentThread().interrupt();
        }
    }

    static void signalGroup(String signal, long pgid) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(new File("/dev/null")).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // group gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The swarms' addresses (198.18.x, fd00:198:18::/48) must never be reached from the main namespace: run only where lo
     * is the sole interface.
     */
    static void requireIsolated() throws IOException {
        Set<String> names = NetworkInterface.networkInterfaces().map(NetworkInterface::getName).collect(Collectors.toSet());
        if (!names.equals(Set.of("lo"))) {
            throw new IllegalStateException("refusing to run outside an isolated network namespace; interfaces " + names
                    + " (run scripts/swarm-tests.sh)");
        }
    }
}
