package org.btda.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.btda.it.e2e.E2eProcesses.requireIsolated;
import static org.btda.it.e2e.E2eProcesses.stopGroup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.btda.it.swarm.SwarmTorrent;
import org.btda.it.swarm.SwarmTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEP 55 with real clients and a real NAT. In the swarm's namespace: an opentracker and btda, which does not listen at
 * all (listen.enabled false; transport auto, holepunch on). In a namespace beside it: a libtorrent seeder S and a slow
 * libtorrent leecher R, both reachable. A libtorrent leecher L lives in a namespace of its own behind a router namespace
 * that masquerades (iptables MASQUERADE, no port forwarding): L reaches the tracker, S and R (over uTP), nobody reaches L.
 * btda's direct contacts of L (the tracker hands out the NAT's address and L's port) fail, which makes L a holepunch
 * candidate; on a later uTP session with a peer that is connected to L (R is revisited while it downloads; S, complete,
 * is contacted once) btda asks for a rendezvous, the relay tells L to dial btda, and btda accepts L's uTP connection
 * although it listens nowhere. L must be observed with rising piece counts, confirmed exactly once, and its
 * observations must say holepunch and uTP.
 *
 * <p>The extra namespaces are joined to the swarm's by veth pairs only while the test runs: the swarm's namespace has
 * just lo again afterwards (other swarm tests check that), and nothing is routed beyond the router.
 */
@Tag("swarm")
class HolepunchNatSwarmTest {
    private static final Logger LOG = LoggerFactory.getLogger(HolepunchNatSwarmTest.class);
    private static final String CONFIG = "/e2e/btda-holepunch.properties";
    private static final String TRACKER = "198.18.240.2";
    /** the seeder's namespace and its link to the swarm's */
    private static final String SEEDER = "198.18.244.2";
    private static final String SEED_LINK_SWARM = "198.18.244.1";
    /** a slow libtorrent leecher beside the seeder: btda revisits it (a complete seeder it contacts once) */
    private static final String RELAY = "198.18.244.3";
    private static final int RELAY_RATE = 8 * 1024;
    /** btda's evaluator.bind-address (also where its uTP socket is bound) */
    private static final String BTDA = "198.18.242.2";
    /** the swarm's end of the link to the router, and the router's public address (what the NAT's peers look like) */
    private static final String LINK_SWARM = "198.18.243.1";
    private static final String NAT_PUBLIC = "198.18.243.2";
    private static final String ROUTER_INSIDE = "10.243.0.1";
    private static final String LEECHER = "10.243.0.2";
    private static final int PEER_PORT = 6881;
    /** 64 pieces of 64 KiB = 4 MiB at 32 KiB/s: about two minutes, several follow intervals (revisit.delay 15 s). */
    private static final int PIECE_LOG2 = 16;
    private static final long SIZE = 64L << PIECE_LOG2;
    private static final int RATE = 32 * 1024;

    private final String suffix = Long.toString(ProcessHandle.current().pid());
    private final String routerNs = "btda-hp-router-" + suffix;
    private final String leecherNs = "btda-hp-leecher-" + suffix;
    private final String seederNs = "btda-hp-seeder-" + suffix;
    private final String tag = suffix.substring(Math.max(0, suffix.length() - 6));
    /** the swarm namespace's ends of the links to the router and to the seeders' namespace */
    private final String swarmEnd = "hpnat" + tag;
    private final String seedEnd = "hpseed" + tag;
    private final List<Process> processes = new ArrayList<>();
    private SwarmTracker tracker;
    private E2eStack btda;
    private boolean netUp;

    @AfterEach
    void stopEverything() {
        if (btda != null) {
            btda.stop();
        }
        for (Process p : processes) {
            stopGroup(p);
        }
        if (tracker != null) {
            tracker.close();
        }
        if (netUp) {
            // the swarm namespace's ends first, at once (a deleted namespace frees its devices asynchronously): the next
            // swarm test checks that lo is the only interface here
            for (String dev : List.of(swarmEnd, seedEnd)) {
                try {
                    run("ip", "link", "delete", dev);
                } catch (Exception e) {
                    LOG.warn("cannot delete {}: {}", dev, e.toString());
                }
            }
            for (String ns : List.of(leecherNs, routerNs, seederNs)) {
                try {
                    run("ip", "netns", "delete", ns);
                } catch (Exception e) {
                    LOG.warn("cannot delete namespace {}: {}", ns, e.toString());
                }
            }
        }
    }

    @Test
    void aLeecherBehindNatIsReachedThroughARelayAndConfirmedOnce() throws Exception {
        requireIsolated();
        for (String a : List.of(TRACKER, BTDA)) {
            ensureLoAddress(a);
        }
        // first: the seeder lives in a namespace of its own (see setUpNat)
        setUpNat();
        Path runDir = Files.createDirectories(Path.of(System.getProperty("btda.swarm.workdir", "target/swarm"),
                "holepunch-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath());
        // UDP only: libtorrent sends UDP announces from its listen socket, so the tracker records the seeder's own
        // address; its HTTP announces would leave from whichever local address the kernel picks inside this namespace
        SwarmTorrent torrent = SwarmTorrent.create(runDir, SIZE, PIECE_LOG2,
                List.of("udp://" + TRACKER + ":6969/announce"));
        tracker = SwarmTracker.opentracker(InetAddress.getByName(TRACKER), 6969, runDir.resolve("opentracker"),
                List.of(torrent.infoHashHex()));
        Path script = runDir.resolve("lt-holepunch-peer.py");
        try (var in = getClass().getResourceAsStream("/swarm/lt-holepunch-peer.py")) {
            Files.copy(in, script);
        }

        Path seederStatus = runDir.resolve("seeder.status");
        start(runDir, "seeder", List.of("ip", "netns", "exec", seederNs, "/usr/bin/python3", script.toString(), "seed", SEEDER, Integer.toString(PEER_PORT),
                torrent.torrentFile().toString(), torrent.payload().getParent().toString(), "0", seederStatus.toString()));
        E2eWaits.until(Duration.ofSeconds(60), "the seeder seeding", () -> progress(seederStatus) >= 1.0);
        Path relayStatus = runDir.resolve("relay.status");
        start(runDir, "relay", List.of("ip", "netns", "exec", seederNs, "/usr/bin/python3", script.toString(), "relay", RELAY,
                Integer.toString(PEER_PORT), torrent.torrentFile().toString(),
                Files.createDirectories(runDir.resolve("relay-downloads")).toString(), Integer.toString(RELAY_RATE),
                relayStatus.toString(), SEEDER + ":" + PEER_PORT));

        btda = new E2eStack(runDir.resolve("btda"), torrent.torrentFile(), CONFIG);
        btda.start();

        Path leecherDir = Files.createDirectories(runDir.resolve("leecher-downloads"));
        Path leecherStatus = runDir.resolve("leecher.status");
        start(runDir, "leecher", List.of("ip", "netns", "exec", leecherNs, "/usr/bin/python3", script.toString(), "leech",
                LEECHER, Integer.toString(PEER_PORT), torrent.torrentFile().toString(), leecherDir.toString(),
                Integer.toString(RATE), leecherStatus.toString(), SEEDER + ":" + PEER_PORT + "," + RELAY + ":" + PEER_PORT));
        E2eWaits.until(Duration.ofSeconds(60), "the leecher connected to the seeder and the relay through the NAT",
                () -> connectedPeers(leecherStatus) >= 2);

        String infoHash = torrent.infoHashHex();
        ClickHouseHttp ch = btda.clickHouse();
        String rows = "SELECT peer_key FROM btda.peers FINAL WHERE info_hash = '" + infoHash + "' AND address = '"
                + NAT_PUBLIC + "'";
        try {
            E2eWaits.until(Duration.ofSeconds(SIZE / RATE * 2 + 120), "the NAT'd leecher confirmed", () -> {
                Set<String> keys = E2eProcesses.column(ch, rows);
                return !keys.isEmpty() && confirmed(ch, infoHash, keys) >= 1;
            });
        } finally {
            LOG.info("observations at the NAT's address\n{}\nseeder and relay observations\n{}\nevaluator stats\n{}",
                    ch.query("SELECT observed_at, peer_key, source, identity, success, failure, pieces, transport,"
                            + " encryption, holepunch, session_ms FROM btda.observations WHERE info_hash = '" + infoHash
                            + "' AND peer_key IN (" + rows + ") ORDER BY observed_at FORMAT TSV"),
                    ch.query("SELECT observed_at, address, success, failure, pieces, transport, holepunch FROM"
                            + " btda.observations WHERE info_hash = '" + infoHash + "' AND address IN ('" + SEEDER + "', '"
                            + RELAY + "') ORDER BY observed_at FORMAT TSV"),
                    ch.query("SELECT * FROM btda.evaluator_stats ORDER BY time DESC LIMIT 1 FORMAT Vertical"));
        }

        Set<String> keys = E2eProcesses.column(ch, rows);
        assertThat(keys).as("the NAT'd leecher is one peer (its tracker endpoint and its BEP 10 p agree)").hasSize(1);
        assertThat(confirmed(ch, infoHash, keys)).as("confirmed downloads of the NAT'd leecher").isEqualTo(1);
        String ofLeecher = " FROM btda.observations WHERE info_hash = '" + infoHash + "' AND peer_key IN (" + rows + ")";
        assertThat(ch.count("SELECT count()" + ofLeecher + " AND success = 0 AND holepunch = false"))
                .as("direct contacts of the NAT'd leecher that failed").isPositive();
        assertThat(ch.count("SELECT count()" + ofLeecher + " AND success = 1 AND (holepunch = false OR transport != 'UTP')"))
                .as("observations of the NAT'd leecher that did not come through a holepunch over uTP").isZero();
        List<String[]> seen = ch.rows("SELECT min(pieces), max(pieces), count()" + ofLeecher + " AND success = 1"
                + " AND holepunch = true AND transport = 'UTP'");
        LOG.info("holepunched observations of the NAT'd leecher: min pieces {}, max {}, count {}", (Object[]) seen.get(0));
        assertThat(Long.parseLong(seen.get(0)[2])).as("holepunched observations").isGreaterThanOrEqualTo(2);
        assertThat(Integer.parseInt(seen.get(0)[1])).as("piece counts rise")
                .isGreaterThan(Integer.parseInt(seen.get(0)[0]));
    }

    private static long confirmed(ClickHouseHttp ch, String infoHash, Set<String> keys) throws Exception {
        return ch.count("SELECT count() FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash
                + "' AND peer_key IN ('" + String.join("','", keys) + "')");
    }

    /**
     * seeder ({@value #SEEDER}) ⟷ swarm namespace (tracker and btda on lo; {@value #SEED_LINK_SWARM} and
     * {@value #LINK_SWARM} on its two links, forwarding between these two only) ⟷ router (public {@value #NAT_PUBLIC},
     * inside {@value #ROUTER_INSIDE}, MASQUERADE on the public side) ⟷ leecher ({@value #LEECHER}, default route via
     * the router). Nothing routes to the inside network: only the router's own address is reachable from outside it.
     * The seeder has a namespace of its own because libtorrent binds its sockets to the device of its listen address,
     * and a socket bound to one device cannot reach addresses on another (the tracker and btda on lo) in the same
     * namespace.
     */
    private void setUpNat() throws Exception {
        run("ip", "netns", "add", routerNs);
        netUp = true;
        run("ip", "netns", "add", leecherNs);
        run("ip", "netns", "add", seederNs);
        for (String ns : List.of(routerNs, leecherNs, seederNs)) {
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        run("ip", "link", "add", seedEnd, "type", "veth", "peer", "name", "eth0", "netns", seederNs);
        run("ip", "addr", "add", SEED_LINK_SWARM + "/24", "dev", seedEnd);
        run("ip", "link", "set", seedEnd, "up");
        run("ip", "-n", seederNs, "addr", "add", SEEDER + "/24", "dev", "eth0");
        run("ip", "-n", seederNs, "addr", "add", RELAY + "/24", "dev", "eth0");
        run("ip", "-n", seederNs, "link", "set", "eth0", "up");
        run("ip", "-n", seederNs, "route", "add", "198.18.0.0/15", "via", SEED_LINK_SWARM);
        run("ip", "link", "add", swarmEnd, "type", "veth", "peer", "name", "pub0", "netns", routerNs);
        run("ip", "addr", "add", LINK_SWARM + "/24", "dev", swarmEnd);
        run("ip", "link", "set", swarmEnd, "up");
        run("ip", "-n", routerNs, "addr", "add", NAT_PUBLIC + "/24", "dev", "pub0");
        run("ip", "-n", routerNs, "link", "set", "pub0", "up");
        run("ip", "-n", routerNs, "link", "add", "in0", "type", "veth", "peer", "name", "eth0", "netns", leecherNs);
        run("ip", "-n", routerNs, "addr", "add", ROUTER_INSIDE + "/24", "dev", "in0");
        run("ip", "-n", routerNs, "link", "set", "in0", "up");
        run("ip", "-n", leecherNs, "addr", "add", LEECHER + "/24", "dev", "eth0");
        run("ip", "-n", leecherNs, "link", "set", "eth0", "up");
        run("ip", "-n", leecherNs, "route", "add", "default", "via", ROUTER_INSIDE);
        run("ip", "-n", routerNs, "route", "add", "198.18.0.0/15", "via", LINK_SWARM);
        // the leecher reaches the seeder through the swarm namespace: forwarding on these two links only (they go
        // away with the namespaces); the swarm namespace keeps no default route
        run("sysctl", "-qw", "net.ipv4.conf." + swarmEnd + ".forwarding=1");
        run("sysctl", "-qw", "net.ipv4.conf." + seedEnd + ".forwarding=1");
        run("ip", "netns", "exec", routerNs, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        run("ip", "netns", "exec", routerNs, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "pub0", "-j", "MASQUERADE");
        LOG.info("NAT up: {} (router {}, public {}) in front of {} ({})", routerNs, ROUTER_INSIDE, NAT_PUBLIC, leecherNs,
                LEECHER);
    }

    /** Progress (0..1) from a peer's status file, 0 before the first write. */
    private static double progress(Path status) throws IOException {
        if (!Files.exists(status)) {
            return 0;
        }
        String[] f = Files.readString(status).trim().split(" ");
        return Double.parseDouble(f[0]);
    }

    private static int connectedPeers(Path status) throws IOException {
        if (!Files.exists(status)) {
            return 0;
        }
        String[] f = Files.readString(status).trim().split(" ");
        return f.length > 1 ? Integer.parseInt(f[1]) : 0;
    }

    /** A process in its own process group (setsid), output in a log; stdin stays a pipe. */
    private void start(Path runDir, String name, List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        full.add("setsid");
        full.addAll(command);
        Process p = new ProcessBuilder(full).directory(runDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.resolve(name + ".log").toFile()))
                .redirectErrorStream(true).start();
        processes.add(p);
    }

    private static void ensureLoAddress(String address) throws Exception {
        Set<InetAddress> present = NetworkInterface.getByName("lo").inetAddresses().collect(Collectors.toSet());
        if (!present.contains(InetAddress.getByName(address))) {
            run("ip", "addr", "add", address + "/32", "dev", "lo");
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }
}
