package org.btda.it.swarm;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Guards the rule that swarm traffic never leaves the machine: the swarm's addresses are routable public-test space
 * (198.18.0.0/15), so sending to them from the main namespace would go out of the default route. We only run where the
 * sole interface is {@code lo}, i.e. inside a network namespace the test run created.
 */
final class Namespace {
    /** System property: dockerd's interfaces (bridges, veths) may be present; set by the compose test. */
    static final String ALLOW_DOCKER = "btda.namespace.docker";
    private static final Pattern DOCKER_INTERFACE = Pattern.compile("docker0|br-[0-9a-f]{12}|veth[0-9a-f]+");

    private Namespace() {
    }

    /** /proc/net/route of this process's namespace: destination 00000000 is a default route. */
    private static boolean hasDefaultRoute() throws IOException {
        return Files.readAllLines(Path.of("/proc/net/route")).stream().skip(1)
                .map(l -> l.trim().split("\\s+")).anyMatch(f -> f.length > 1 && f[1].equals("00000000"));
    }

    static void requireIsolated() throws IOException {
        Set<String> names = NetworkInterface.networkInterfaces().map(NetworkInterface::getName).collect(Collectors.toSet());
        if (Boolean.getBoolean(ALLOW_DOCKER)) {
            // The compose test's dockerd runs inside this namespace: its bridges and the host ends of its containers'
            // veth pairs are here too. They lead only to containers of that dockerd, so the namespace stays closed as
            // long as nothing is routed beyond it: no default route.
            names.removeIf(n -> DOCKER_INTERFACE.matcher(n).matches());
            if (hasDefaultRoute()) {
                throw new IllegalStateException("refusing to start a swarm: this namespace has a default route");
            }
        }
        if (!names.equals(Set.of("lo"))) {
            throw new IllegalStateException("refusing to start a swarm outside an isolated network namespace; interfaces: "
                    + names + " (run scripts/swarm-tests.sh)");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the swarm needs root (to add addresses and run clients in the namespace)");
        }
    }

    /** Brings lo up and adds every address that is missing, as /32 so only that one address becomes local. */
    static void ensureAddresses(Collection<InetAddress> addresses) throws IOException, InterruptedException {
        run(List.of("ip", "link", "set", "lo", "up"));
        Set<InetAddress> present = NetworkInterface.getByName("lo").inetAddresses().collect(Collectors.toSet());
        for (InetAddress a : addresses) {
            if (!(a instanceof Inet4Address)) {
                throw new IllegalArgumentException("IPv4 only: " + a);
            }
            if (!present.contains(a)) {
                run(List.of("ip", "addr", "add", a.getHostAddress() + "/32", "dev", "lo"));
            }
        }
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " failed: " + out);
        }
    }
}
