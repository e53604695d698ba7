package org.btda.harvester.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.btda.protocol.metainfo.InfoHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BEP 32 against a real implementation: btda's node and a libtorrent node (Debian python3-libtorrent via
 * lt-dht-node.py), both on {@code [::1]}, btda libtorrent's only contact. Each finds what the other announced, over IPv6
 * only.
 */
class LibtorrentDhtIpv6InteropTest {
    private static final InfoHash BY_BTDA = InfoHash.sha1("announced by btda over IPv6".getBytes());

    @TempDir
    Path work;
    private Process lt;
    private DhtNode btda;

    @AfterEach
    void stop() throws Exception {
        if (btda != null) {
            btda.close();
        }
        if (lt != null) {
            lt.getOutputStream().close();
            lt.destroy();
            lt.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String line(BufferedReader r) throws Exception {
        String l = r.readLine();
        assertThat(l).as("helper process output").isNotNull();
        return l;
    }

    @Test
    void libtorrentAndBtdaFindEachOthersPeersOverIpv6() throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        btda = DhtNode.start(LoopbackDht.config(new InetSocketAddress(loopback6, 0), List.of()));
        int btdaPort = btda.localAddress().getPort();

        lt = new ProcessBuilder("/usr/bin/python3", Path.of(getClass().getResource("/dht/lt-dht-node.py").toURI()).toString(),
                "::1", "", "[::1]:" + btdaPort).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader ltOut = new BufferedReader(new InputStreamReader(lt.getInputStream(), StandardCharsets.UTF_8));
        Writer ltIn = new OutputStreamWriter(lt.getOutputStream(), StandardCharsets.UTF_8);
        String ready = line(ltOut);
        assertThat(ready).startsWith("ready ");
        int ltPort = Integer.parseInt(ready.split(" ")[1]);
        assertThat(Integer.parseInt(ready.split(" ")[2])).as("libtorrent routing table: btda's node; btda %s",
                btda.counters()).isPositive();
        InetSocketAddress ltNode = new InetSocketAddress(loopback6, ltPort);
        assertThat(btda.routingTableNodes()).as("libtorrent queried btda over IPv6").anySatisfy(n ->
                assertThat(n.address()).isEqualTo(ltNode));
        assertThat(btda.routingTableSize(false)).isZero();

        // libtorrent seeds with the DHT on, so it announces itself (to btda and to itself); btda's lookup finds it
        ltIn.write("seed " + work + "\n");
        ltIn.flush();
        String seeding = line(ltOut);
        assertThat(seeding).startsWith("seeding ");
        InfoHash byLibtorrent = InfoHash.fromHex(seeding.split(" ")[1]);
        List<InetSocketAddress> found = List.of();
        for (int i = 0; i < 20 && !found.contains(ltNode); i++) {
            found = btda.lookup(byLibtorrent).get(15, TimeUnit.SECONDS).peers();
            if (!found.contains(ltNode)) {
                Thread.sleep(500); // libtorrent announces a moment after it starts seeding; ask again
            }
        }
        assertThat(found).contains(ltNode).allMatch(p -> p.getAddress() instanceof Inet6Address);

        // btda announces (to libtorrent, the only other node); libtorrent's get_peers returns btda's IPv6 endpoint
        assertThat(btda.announce(BY_BTDA, 45679).get(15, TimeUnit.SECONDS).acknowledged()).isPositive();
        ltIn.write("get_peers " + BY_BTDA.hex() + "\n");
        ltIn.flush();
        assertThat(line(ltOut)).startsWith("peers").contains("::1:45679");
        assertThat(btda.counters().malformed()).isZero();
    }
}
