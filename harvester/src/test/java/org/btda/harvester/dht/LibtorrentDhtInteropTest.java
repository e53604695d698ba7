package org.btda.harvester.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.btda.protocol.metainfo.InfoHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private DHT of three implementations on loopback: eight bittorrent-dht nodes (private-dht.mjs, 127.60–62.x), btda's
 * node (127.63.0.2) and a libtorrent node (127.70.0.1, Debian python3-libtorrent via lt-dht-node.py) bootstrapped only
 * to btda and one bittorrent-dht node; LSD/UPnP/NAT-PMP off. btda must find libtorrent seeding a torrent, and libtorrent
 * must find what btda announced and have talked to btda's node directly.
 */
class LibtorrentDhtInteropTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path MODULE = ROOT.resolve(".cache/node/node_modules/bittorrent-dht");
    private static final Pattern ENDPOINT = Pattern.compile("\"(127\\.[0-9.]+):(\\d+)\"");
    private static final String LT_IP = "127.70.0.1";
    private static final InfoHash BY_SWARM = InfoHash.sha1("announced by bittorrent-dht, lt test".getBytes());
    private static final InfoHash BY_BTDA = InfoHash.sha1("announced by btda for libtorrent".getBytes());

    @TempDir
    Path work;
    private final List<Process> processes = new ArrayList<>();
    private DhtNode btda;

    @AfterEach
    void stop() throws Exception {
        if (btda != null) {
            btda.close();
        }
        for (Process p : processes) {
            p.getOutputStream().close();
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Process start(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        return p;
    }

    private static String line(BufferedReader r) throws Exception {
        String l = r.readLine();
        assertThat(l).as("helper process output").isNotNull();
        return l;
    }

    @Test
    void libtorrentAndBtdaFindEachOthersPeers() throws Exception {
        assertThat(MODULE.resolve("index.js")).as("bittorrent-dht (scripts/setup.sh node)").exists();
        Process swarm = start("node", Path.of(getClass().getResource("/dht/private-dht.mjs").toURI()).toString(),
                MODULE.toString(), "8", BY_SWARM.hex(), "40002");
        BufferedReader swarmOut = new BufferedReader(new InputStreamReader(swarm.getInputStream(), StandardCharsets.UTF_8));
        String ready = line(swarmOut);
        assertThat(ready).contains("\"ready\":true");
        List<InetSocketAddress> swarmNodes = new ArrayList<>();
        Matcher m = ENDPOINT.matcher(ready);
        while (m.find()) {
            swarmNodes.add(new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
        }
        assertThat(swarmNodes).hasSize(8);

        btda = DhtNode.start(LoopbackDht.config(new InetSocketAddress("127.63.0.2", 0), List.of(swarmNodes.get(1))));
        assertThat(btda.bootstrap().get(15, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(6);
        InetSocketAddress btdaAddr = btda.localAddress();

        String boot = "127.63.0.2:" + btdaAddr.getPort() + "," + swarmNodes.get(0).getHostString() + ":"
                + swarmNodes.get(0).getPort();
        Process lt = start("/usr/bin/python3", Path.of(getClass().getResource("/dht/lt-dht-node.py").toURI()).toString(),
                LT_IP, boot);
        BufferedReader ltOut = new BufferedReader(new InputStreamReader(lt.getInputStream(), StandardCharsets.UTF_8));
        Writer ltIn = new OutputStreamWriter(lt.getOutputStream(), StandardCharsets.UTF_8);
        String ltReady = line(ltOut);
        assertThat(ltReady).startsWith("ready ");
        int ltPort = Integer.parseInt(ltReady.split(" ")[1]);
        assertThat(Integer.parseInt(ltReady.split(" ")[2])).as("libtorrent routing table after bootstrap").isPositive();

        // libtorrent seeds a torrent with the DHT on, so it announces itself; btda's lookup must return it
        ltIn.write("seed " + work + "\n");
        ltIn.flush();
        String seeding = line(ltOut);
        assertThat(seeding).startsWith("seeding ");
        InfoHash byLibtorrent = InfoHash.fromHex(seeding.split(" ")[1]);
        InetSocketAddress ltPeer = new InetSocketAddress(LT_IP, ltPort);
        List<InetSocketAddress> found = List.of();
        for (int i = 0; i < 20 && !found.contains(ltPeer); i++) {
            found = btda.lookup(byLibtorrent).get(15, TimeUnit.SECONDS).peers();
            if (!found.contains(ltPeer)) {
                Thread.sleep(500);
            }
        }
        assertThat(found).contains(ltPeer);

        // btda announces; libtorrent's get_peers must return btda's address with that port
        assertThat(btda.announce(BY_BTDA, 45679).get(15, TimeUnit.SECONDS).acknowledged()).isPositive();
        ltIn.write("get_peers " + BY_BTDA.hex() + "\n");
        ltIn.flush();
        assertThat(line(ltOut)).startsWith("peers").contains("127.63.0.2:45679");

        // libtorrent talked to btda's node itself: btda has it in its routing table (added on a valid query/answer)
        assertThat(btda.routingTableNodes()).anySatisfy(n -> assertThat(n.address())
                .isEqualTo(new InetSocketAddress(LT_IP, ltPort)));
        assertThat(btda.counters().malformed()).isZero();
    }
}
