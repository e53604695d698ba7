#!/usr/bin/python3
# A libtorrent DHT node for btda's private-DHT interop tests. It is bootstrapped ONLY to the nodes given on the
# command line (loopback addresses of the test's own nodes); LSD, UPnP and NAT-PMP are off, and the loopback /
# same-IP restrictions that would make it refuse a loopback DHT are lifted.
#   /usr/bin/python3 lt-dht-node.py <listen ip> <bootstrap host:port,host:port,...> [<node host:port,...>]
# An IPv6 listen ip (::1) makes it an IPv6 DHT node (BEP 32); IPv6 addresses are written [address]:port. Bootstrap
# nodes are routers, which libtorrent never puts in its routing table; the optional node list is added as ordinary
# contacts instead (a DHT of two nodes needs that).
# stdout: "ready <port> <routing table size>", then one line per command result.
# stdin:  "seed <dir>" -> "seeding <info hash hex>" (a new 1 MB torrent seeded with DHT on, so libtorrent itself
#         announces it); "get_peers <hex>" -> "peers <host:port> ..." (waits up to 20 s for
#         a non-empty reply); "nodes" -> "nodes <count>"; EOF quits.
import os, sys, time
import libtorrent as lt

ip, boot = sys.argv[1], sys.argv[2]
contacts = [n for n in (sys.argv[3] if len(sys.argv) > 3 else '').split(',') if n]
ses = lt.session({
    'listen_interfaces': ('[%s]:0' if ':' in ip else '%s:0') % ip,
    'enable_dht': True, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'dht_bootstrap_nodes': boot,
    'dht_restrict_routing_ips': False, 'dht_restrict_search_ips': False,
    'dht_ignore_dark_internet': False, 'dht_enforce_node_id': False, 'dht_prefer_verified_node_ids': False,
    'alert_mask': lt.alert.category_t.dht_notification | lt.alert.category_t.dht_operation_notification
                  | lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
})
ses.apply_settings({'dht_bootstrap_nodes': boot})


def alerts(until, want):
    """Pumps alerts until `want(alert)` returns a value or the deadline passes."""
    while time.time() < until:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            r = want(a)
            if r is not None:
                return r
    return None


def node_count():
    ses.post_dht_stats()
    r = alerts(time.time() + 5, lambda a: a if isinstance(a, lt.dht_stats_alert) else None)
    return sum(b['num_nodes'] for b in r.routing_table) if r else -1


def add_contacts():
    for node in contacts:
        host, _, port = node.rpartition(':')
        ses.add_dht_node((host.strip('[]'), int(port)))


# A contact added before the DHT socket is up is dropped: add them again until the table holds a node.
deadline = time.time() + 20
while time.time() < deadline and node_count() < 1:
    add_contacts()
    time.sleep(0.5)
print('ready', ses.listen_port(), node_count(), flush=True)

for line in sys.stdin:
    f = line.split()
    if not f:
        continue
    if f[0] == 'seed':
        # Debian's binding of session.dht_announce() accepts no flags value, so libtorrent announces the way it
        # does for any torrent: by seeding one with the DHT on.
        data = os.path.join(f[1], 'lt-data')
        os.makedirs(data, exist_ok=True)
        with open(os.path.join(data, 'lt-payload.bin'), 'wb') as out:
            out.write(os.urandom(1 << 20))
        fs = lt.file_storage()
        lt.add_files(fs, os.path.join(data, 'lt-payload.bin'))
        ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
        lt.set_piece_hashes(ct, data)
        ti = lt.torrent_info(lt.bencode(ct.generate()))
        ses.add_torrent({'ti': ti, 'save_path': data, 'flags': lt.torrent_flags.seed_mode})
        print('seeding', str(ti.info_hashes().v1), flush=True)
    elif f[0] == 'get_peers':
        target = lt.sha1_hash(bytes.fromhex(f[1]))
        found = set()
        deadline = time.time() + 20
        while not found and time.time() < deadline:
            ses.dht_get_peers(target)
            end = time.time() + 5
            while time.time() < end:
                ses.wait_for_alert(200)
                for a in ses.pop_alerts():
                    if isinstance(a, lt.dht_get_peers_reply_alert) and str(a.info_hash) == f[1]:
                        found.update('%s:%d' % (p[0], p[1]) for p in a.peers())
        print('peers', *sorted(found), flush=True)
    elif f[0] == 'nodes':
        print('nodes', node_count(), flush=True)
