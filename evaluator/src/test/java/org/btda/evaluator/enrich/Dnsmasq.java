package org.btda.evaluator.enrich;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for tests: dnsmasq on 127.0.0.1 with only the given PTR records, no upstream servers, no hosts
 * file, and {@code --local} for the reverse zones so that every other name in them is answered NXDOMAIN locally.
 * Nothing is forwarded anywhere.
 */
final class Dnsmasq implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private Dnsmasq(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * @param ptrRecords PTR owner name (e.g. {@code 5.113.0.203.in-addr.arpa}) → host name
     * @param localZones reverse zones answered only from the records above (e.g. {@code 113.0.203.in-addr.arpa})
     */
    static Dnsmasq start(Path dir, Map<String, String> ptrRecords, List<String> localZones) throws Exception {
        // dnsmasq also listens on TCP at the same port, which another process may hold even when UDP is free:
        // a few attempts on fresh ports.
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return start(dir, ptrRecords, localZones, freePort(), attempt);
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private static Dnsmasq start(Path dir, Map<String, String> ptrRecords, List<String> localZones, int port, int attempt)
            throws Exception {
        Path log = dir.resolve("dnsmasq-" + attempt + ".log");
        List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--no-poll", "--listen-address=127.0.0.1", "--bind-interfaces",
                "--port=" + port, "--pid-file=" + dir.resolve("dnsmasq.pid"), "--log-facility=-", "--log-queries",
                "--cache-size=0"));
        ptrRecords.forEach((name, host) -> cmd.add("--ptr-record=" + name + "," + host));
        localZones.forEach(z -> cmd.add("--local=/" + z + "/"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Dnsmasq d = new Dnsmasq(p, port, log);
        d.awaitBound();
        return d;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    String server() {
        return "127.0.0.1:" + port;
    }

    /** dnsmasq's own log of the queries it received. */
    String log() throws IOException {
        return Files.readString(log);
    }

    /** Ready once the port shows up as a bound UDP socket in /proc/net/udp (probing by binding it would race). */
    private void awaitBound() throws Exception {
        String local = String.format("0100007F:%04X", port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                process.waitFor();
                throw new IllegalStateException("dnsmasq exited with " + process.exitValue() + " (port " + port + "): " + log());
            }
            for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 1 && f[1].equals(local)) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        close();
        throw new IllegalStateException("dnsmasq did not bind 127.0.0.1:" + port + " within 10 s: " + log());
    }

    /** A port free for both UDP and TCP on 127.0.0.1 at this moment. */
    private static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int port = s.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException inUse) {
                    // try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
