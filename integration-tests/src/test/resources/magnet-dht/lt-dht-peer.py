#!/usr/bin/python3
"""One libtorrent peer of MagnetDhtEndToEndTest's DHT-only swarm (Debian's /usr/bin/python3 + python3-libtorrent).

Usage: lt-dht-peer.py seed  IP WORKDIR BOOTSTRAP MAX_SECONDS PIECES
       lt-dht-peer.py leech IP WORKDIR BOOTSTRAP MAX_SECONDS TORRENT_FILE RATE_BYTES_PER_SECOND
One session listening on IP:6881 (TCP + the DHT's UDP), DHT on and bootstrapped ONLY to BOOTSTRAP (host:port list of
the test's private nodes). No tracker anywhere: the torrent has no announce URL. LSD, UPnP, NAT-PMP and uTP are off;
encryption is disabled so btda's plaintext handshake is accepted. The DHT restrictions that make libtorrent refuse a
DHT on nearby addresses are lifted.
seed:  writes WORKDIR/payload.bin (PIECES pieces of 32 KiB) and WORKDIR/payload.torrent, seeds it, prints
       "TORRENT <hex>", then "READY" once its DHT announce has run.
leech: downloads TORRENT_FILE into WORKDIR at RATE; prints "PROGRESS <pieces>" each second, "DONE" when complete.
Runs until stdin closes or MAX_SECONDS pass.
"""
import os
import select
import sys
import time

import libtorrent as lt

PIECE = 32768
role, ip, workdir, boot = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
max_seconds = min(float(sys.argv[5]), 600)
os.makedirs(workdir, exist_ok=True)

settings = {
    "listen_interfaces": ip + ":6881",
    "outgoing_interfaces": ip,
    "enable_dht": True,
    "dht_bootstrap_nodes": boot,
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
    "alert_mask": lt.alert.category_t.dht_notification | lt.alert.category_t.tracker_notification
                  | lt.alert.category_t.error_notification
                  | lt.alert.category_t.status_notification,
}
if role == "leech":
    settings["download_rate_limit"] = int(sys.argv[7])
ses = lt.session(settings)
ses.apply_settings({"dht_bootstrap_nodes": boot})

end = time.time() + max_seconds


def stdin_closed(timeout):
    r, _, _ = select.select([sys.stdin], [], [], timeout)
    return bool(r) and not sys.stdin.read(1)


if role == "seed":
    pieces = min(int(sys.argv[6]), 1024)
    data = os.path.join(workdir, "payload.bin")
    with open(data, "wb") as f:
        f.write(os.urandom(pieces * PIECE))
    fs = lt.file_storage()
    lt.add_files(fs, data)
    ct = lt.create_torrent(fs, PIECE, flags=lt.create_torrent.v1_only)
    ct.set_creator("btda magnet e2e")
    lt.set_piece_hashes(ct, workdir)
    raw = lt.bencode(ct.generate())
    with open(os.path.join(workdir, "payload.torrent"), "wb") as f:
        f.write(raw)
    ti = lt.torrent_info(raw)
    ih = str(ti.info_hashes().v1)
    ses.add_torrent({"ti": ti, "save_path": workdir, "flags": lt.torrent_flags.seed_mode})
    print("TORRENT", ih, flush=True)
    # Ready once libtorrent's DHT announce ran: its get_peers phase reports back (dht_reply_alert), announce_peer to
    # the closest nodes follows at once. (A get_peers of our own never lists ourselves, so it cannot prove the store.)
    found = False
    ready_deadline = min(end, time.time() + 60)
    while not found and time.time() < ready_deadline:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, lt.dht_reply_alert):
                found = True
    time.sleep(2)
    print("READY" if found else "NOT-ANNOUNCED", flush=True)
    while time.time() < end and not stdin_closed(0.5):
        ses.pop_alerts()
else:
    ti = lt.torrent_info(sys.argv[6])
    h = ses.add_torrent({"ti": ti, "save_path": workdir})
    done = False
    while time.time() < end and not stdin_closed(1.0):
        ses.pop_alerts()
        s = h.status()
        print("PROGRESS", s.num_pieces, s.num_peers, flush=True)
        if s.is_seeding and not done:
            done = True
            print("DONE", flush=True)
