package org.btda.it.swarm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The installed version of a client, from its --version output, so reports name what really ran. */
final class ClientVersion {
    private static final Pattern VERSION = Pattern.compile("v?([0-9]+\\.[0-9]+(?:\\.[0-9]+)?)");

    private ClientVersion() {
    }

    private static final java.util.Map<String, String> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    static String of(String displayName, String... command) {
        return CACHE.computeIfAbsent(String.join(" ", command), k -> detect(displayName, command));
    }

    private static String detect(String displayName, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return displayName;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            for (String line : List.of(out.split("\n"))) {
                Matcher m = VERSION.matcher(line);
                if (m.find()) {
                    return displayName + " " + m.group(1);
                }
            }
            return displayName;
        } catch (IOException e) {
            return displayName;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return displayName;
        }
    }
}
