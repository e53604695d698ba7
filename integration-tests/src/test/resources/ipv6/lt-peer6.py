#!/usr/bin/python3
"""One libtorrent peer of Ipv6SwarmEndToEndTest's IPv6-only swarm (Debian's /usr/bin/python3 + python3-libtorrent).

Usage: lt-peer6.py dht   IP WORKDIR MAX_SECONDS
       lt-peer6.py seed  IP WORKDIR MAX_SECONDS DHT_NODE PIECES TRACKER_URL[,URL...]
       lt-peer6.py leech IP WORKDIR MAX_SECONDS DHT_NODE TORRENT_FILE RATE_BYTES_PER_SECOND
IP is an IPv6 address on the namespace's lo; the session listens on [IP]:6881 (TCP and the DHT's UDP) and nowhere
else, so everything it does runs over IPv6. DHT_NODE is "IP" of the dht role's node (port 6881), the only DHT contact.
LSD, UPnP, NAT-PMP and uTP are off; encryption is disabled so btda's plaintext handshake is accepted; the DHT
restrictions that make libtorrent refuse nodes on nearby addresses are lifted.
dht:   a DHT node and nothing else: the swarm's router. Prints "READY", then "ANNOUNCE <hex> <ip> <port>" for each
       announce_peer it stores (so the test knows a peer is findable).
seed:  writes WORKDIR/payload.bin (PIECES pieces of 32 KiB), WORKDIR/payload.torrent (announcing to TRACKER_URLs) and
       WORKDIR/payload-dht.torrent (same info, no tracker), seeds it, prints "TORRENT <hex>".
leech: downloads TORRENT_FILE into WORKDIR at RATE; prints "PROGRESS <pieces> <peers>" each second, "DONE" when
       complete.
Runs until stdin closes or MAX_SECONDS pass.
"""
import os
import select
import sys
import time
import warnings

import libtorrent as lt

warnings.simplefilter("ignore", DeprecationWarning)  # session.status(): its dht_nodes has no short replacement

PIECE = 32768
DHT_PORT = 6881
role, ip, workdir = sys.argv[1], sys.argv[2], sys.argv[3]
max_seconds = min(float(sys.argv[4]), 600)
os.makedirs(workdir, exist_ok=True)

settings = {
    "listen_interfaces": "[%s]:%d" % (ip, DHT_PORT),
    "outgoing_interfaces": ip,
    "enable_dht": True,
    "dht_bootstrap_nodes": "",
    "dht_restrict_routing_ips": False,
    "dht_restrict_search_ips": False,
    "dht_ignore_dark_internet": False,
    "dht_enforce_node_id": False,
    "dht_prefer_verified_node_ids": False,
    # Re-announce often: btda's lookups and the other peers find a newcomer within seconds.
    "dht_announce_interval": 10,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": False,
    "enable_outgoing_utp": False,
    "out_enc_policy": 2,  # pe_disabled
    "in_enc_policy": 2,
    "ignore_limits_on_local_network": False,
    "allow_multiple_connections_per_ip": True,
    "alert_mask": lt.alert.category_t.dht_notification | lt.alert.category_t.tracker_notification
                  | lt.alert.category_t.error_notification
                  | lt.alert.category_t.status_notification,
}
if role == "leech":
    settings["download_rate_limit"] = int(sys.argv[7])
ses = lt.session(settings)
end = time.time() + max_seconds
last_contact = 0.0


def keep_dht_contact():
    """(Re)adds the swarm's DHT node until the routing table holds a node: one added before the DHT socket is up is
    dropped silently, and without a node libtorrent never announces."""
    global last_contact
    if role != "dht" and time.time() - last_contact > 2 and ses.status().dht_nodes == 0:
        last_contact = time.time()
        ses.add_dht_node((sys.argv[5], DHT_PORT))


def stdin_closed(timeout):
    r, _, _ = select.select([sys.stdin], [], [], timeout)
    return bool(r) and not sys.stdin.read(1)


def write_torrent(ct, name):
    with open(os.path.join(workdir, name), "wb") as f:
        f.write(lt.bencode(ct.generate()))


if role == "dht":
    print("READY", flush=True)
    while time.time() < end and not stdin_closed(0.5):
        for a in ses.pop_alerts():
            if isinstance(a, lt.dht_announce_alert):
                print("ANNOUNCE", str(a.info_hash), a.ip, a.port, flush=True)
elif role == "seed":
    pieces = min(int(sys.argv[6]), 1024)
    data = os.path.join(workdir, "payload.bin")
    with open(data, "wb") as f:
        f.write(os.urandom(pieces * PIECE))
    fs = lt.file_storage()
    lt.add_files(fs, data)
    ct = lt.create_torrent(fs, PIECE, flags=lt.create_torrent.v1_only)
    ct.set_creator("btda ipv6 e2e")
    lt.set_piece_hashes(ct, workdir)
    write_torrent(ct, "payload-dht.torrent")
    for tier, url in enumerate(sys.argv[7].split(",")):
        ct.add_tracker(url, tier)
    write_torrent(ct, "payload.torrent")
    ti = lt.torrent_info(os.path.join(workdir, "payload.torrent"))
    ses.add_torrent({"ti": ti, "save_path": workdir, "flags": lt.torrent_flags.seed_mode})
    print("TORRENT", str(ti.info_hashes().v1), flush=True)
    while time.time() < end and not stdin_closed(0.5):
        keep_dht_contact()
        ses.pop_alerts()
else:
    ti = lt.torrent_info(sys.argv[6])
    h = ses.add_torrent({"ti": ti, "save_path": workdir})
    done = False
    while time.time() < end and not stdin_closed(1.0):
        keep_dht_contact()
        ses.pop_alerts()
        s = h.status()
        print("PROGRESS", s.num_pieces, s.num_peers, flush=True)
        if s.is_seeding and not done:
            done = True
            print("DONE", flush=True)
