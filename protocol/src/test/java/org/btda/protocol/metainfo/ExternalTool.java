package org.btda.protocol.metainfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an installed third-party tool (mktorrent, transmission-*, Debian python3 + libtorrent) with a time bound. */
final class ExternalTool {
    /** Debian's interpreter: the pyenv python3 on PATH lacks python3-libtorrent. */
    static final String DEBIAN_PYTHON = "/usr/bin/python3";

    private ExternalTool() {
    }

    static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timeout: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue() + ": " + text);
        }
        return text;
    }
}
