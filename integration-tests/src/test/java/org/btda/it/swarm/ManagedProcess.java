package org.btda.it.swarm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One external process of the swarm, started in its own session and process group (via {@code setsid}) so that closing
 * it also ends whatever it forked. stdout and stderr go to a log file in the work dir; stdin is /dev/null so no client
 * waits for a terminal.
 */
final class ManagedProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ManagedProcess start(String name, Path workDir, Path log, List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        full.add("setsid");
        full.addAll(command);
        Files.createDirectories(log.getParent());
        Files.writeString(log, "# " + String.join(" ", command) + System.lineSeparator());
        ProcessBuilder pb = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        return new ManagedProcess(name, pb.start(), log);
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Fails with the log tail if the process already exited: a client that died at start must not look like a slow one. */
    void requireAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log + ":\n" + tail(log, 2000));
        }
    }

    static String tail(Path file, int maxChars) throws IOException {
        if (!Files.exists(file)) {
            return "(no log)";
        }
        String s = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        return s.length() <= maxChars ? s : s.substring(s.length() - maxChars);
    }

    /** SIGTERM to the whole group, SIGKILL after a grace period (ctorrent, for one, ignores SIGTERM while busy). */
    @Override
    public void close() {
        long pgid = process.pid(); // setsid made the child a session and group leader: pgid == pid
        signalGroup("TERM", pgid);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                signalGroup("KILL", pgid);
                process.waitFor(5, TimeUnit.SECONDS);
            } else {
                signalGroup("KILL", pgid); // leftovers the leader forked
            }
        } catch (InterruptedException e) {
            signalGroup("KILL", pgid);
            Thread.currentThread().interrupt();
        }
    }

    private static void signalGroup(String signal, long pgid) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing left to signal or kill missing: the group is gone either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
