package org.btda.harvester.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.btda.protocol.metainfo.InfoHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * btda's node inside a private DHT of third-party nodes: eight bittorrent-dht (webtorrent's implementation) nodes on
 * 127.60–62.x, bootstrapped only among themselves (see private-dht.mjs), nothing public is contacted. Installed by
 * {@code scripts/setup.sh node}.
 */
class DhtInteropTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path MODULE = ROOT.resolve(".cache/node/node_modules/bittorrent-dht");
    private static final Pattern ENDPOINT = Pattern.compile("\"(127\\.[0-9.]+):(\\d+)\"");

    private Process swarm;
    private BufferedReader out;
    private Writer in;
    private DhtNode btda;

    @BeforeEach
    void startSwarm() throws Exception {
        assertThat(MODULE.resolve("index.js")).as("bittorrent-dht (scripts/setup.sh node)").exists();
        Path script = Path.of(getClass().getResource("/dht/private-dht.mjs").toURI());
        swarm = new ProcessBuilder("node", script.toString(), MODULE.toString(), "8", HASH1.hex(), "40001")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(swarm.getInputStream(), StandardCharsets.UTF_8));
        in = new OutputStreamWriter(swarm.getOutputStream(), StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() throws Exception {
        if (btda != null) {
            btda.close();
        }
        swarm.destroy();
        swarm.waitFor(5, TimeUnit.SECONDS);
    }

    private static final InfoHash HASH1 = InfoHash.sha1("announced by bittorrent-dht".getBytes());
    private static final InfoHash HASH2 = InfoHash.sha1("announced by btda".getBytes());

    private String line() throws Exception {
        String l = out.readLine();
        assertThat(l).as("private DHT script output").isNotNull();
        return l;
    }

    private String command(String c) throws Exception {
        in.write(c + "\n");
        in.flush();
        return line();
    }

    @Test
    void btdaFindsThirdPartyPeersAndThirdPartyFindsBtda() throws Exception {
        String ready = line();
        assertThat(ready).contains("\"ready\":true");
        List<InetSocketAddress> swarmNodes = new ArrayList<>();
        Matcher m = ENDPOINT.matcher(ready);
        while (m.find()) {
            swarmNodes.add(new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
        }
        assertThat(swarmNodes).hasSize(8);

        // bootstrapped from one third-party node only
        btda = DhtNode.start(LoopbackDht.config(new InetSocketAddress("127.63.0.1", 0), List.of(swarmNodes.get(1))));
        assertThat(btda.bootstrap().get(15, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(6);

        LookupResult found = btda.lookup(HASH1).get(15, TimeUnit.SECONDS);
        assertThat(found.peers()).contains(new InetSocketAddress("127.60.0.1", 40001));

        DhtNode.AnnounceResult announced = btda.announce(HASH2, 45678).get(15, TimeUnit.SECONDS);
        assertThat(announced.acknowledged()).isGreaterThanOrEqualTo(1);

        String lookup = command("lookup 5 " + HASH2.hex());
        assertThat(lookup).contains("\"error\":null").contains("\"127.63.0.1:45678\"");
        assertThat(command("table 1")).contains(btda.id().hex());
        assertThat(btda.counters().malformed()).isZero();
        assertThat(btda.counters().queriesReceived()).isPositive();
    }
}
