package org.btda.it.swarm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plain HTTP announce (BEP 3/23), written independently of btda's harvester so tests can check what the trackers
 * really hold. Announces as a stopped peer (port 1, event=stopped) so the probe never becomes a swarm member itself.
 */
public final class TrackerAnnounce {
    private TrackerAnnounce() {
    }

    /** The peers the tracker lists for the info hash. */
    public static List<InetSocketAddress> peers(String httpAnnounceUrl, byte[] infoHash) throws IOException, InterruptedException {
        String peerId = "-BT0001-" + Long.toString(System.nanoTime() % 1_000_000_000_000L, 36);
        peerId = (peerId + "000000000000").substring(0, 20);
        String query = "?info_hash=" + percent(infoHash) + "&peer_id=" + peerId
                + "&port=1&uploaded=0&downloaded=0&left=1&compact=1&numwant=200";
        // First a normal announce to read the list, then event=stopped so the probe leaves no trace in the swarm.
        byte[] body = get(httpAnnounceUrl + query);
        get(httpAnnounceUrl + query + "&event=stopped");
        Object decoded = MiniBencode.decode(body);
        if (!(decoded instanceof Map<?, ?> map)) {
            throw new IOException("announce answer is not a dict");
        }
        if (map.get("failure reason") instanceof byte[] reason) {
            throw new IOException("tracker failure: " + new String(reason, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (!(map.get("peers") instanceof byte[] compact) || compact.length % 6 != 0) {
            throw new IOException("no compact peers in announce answer");
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (int i = 0; i < compact.length; i += 6) {
            InetAddress a = InetAddress.getByAddress(java.util.Arrays.copyOfRange(compact, i, i + 4));
            out.add(new InetSocketAddress(a, ((compact[i + 4] & 0xff) << 8) | (compact[i + 5] & 0xff)));
        }
        return out;
    }

    private static byte[] get(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = ClientPeer.HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(ClientPeer.RPC_TIMEOUT)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode());
        }
        if (r.body().length > 1 << 20) {
            throw new IOException("announce answer too large");
        }
        return r.body();
    }

    private static String percent(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append('%').append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }
}
