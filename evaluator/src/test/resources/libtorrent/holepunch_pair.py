"""Two libtorrent sessions on 127.0.0.1 for the BEP 55 tests: a relay seeding a torrent and a leecher of it that
dialled the relay over uTP, so the relay knows the leecher by the endpoint of that uTP connection (its listen port).

Usage: holepunch_pair.py WORKDIR
Prints "READY <relay port> <leecher port> <info hash hex> <num pieces>" once the leecher is connected to the relay,
then "PROGRESS <pieces>" lines on request ("PROGRESS" on stdin); EOF or 120 s end it.
Loopback only: DHT, LSD, UPnP, NAT-PMP off; ut_holepunch is on by default in libtorrent, uTP is on explicitly, TCP off
for the leecher (so its connection to the relay is uTP from its listen port, as behind a port-preserving NAT).
The leecher downloads slowly (the torrent's download limit), so its piece count rises while it is observed.
"""
import os
import select
import sys
import time

import libtorrent as lt

workdir = sys.argv[1]

data = os.path.join(workdir, "payload.bin")
with open(data, "wb") as f:
    f.write(os.urandom(37 * 16384 + 123))
fs = lt.file_storage()
lt.add_files(fs, data)
ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
ct.set_creator("btda test")
lt.set_piece_hashes(ct, workdir)
info = lt.torrent_info(lt.bencode(ct.generate()))

common = {
    "listen_interfaces": "127.0.0.1:0",
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": True,
    "enable_outgoing_utp": True,
    "allow_multiple_connections_per_ip": True,
    # HOLEPUNCH_DEBUG=1: every alert of both sessions goes to WORKDIR/alerts.log (peer logs show ut_holepunch messages)
    "alert_mask": lt.alert.category_t.all_categories if os.environ.get("HOLEPUNCH_DEBUG") else 0,
}
relay = lt.session(dict(common))
leecher = lt.session(dict(common, enable_incoming_tcp=False, enable_outgoing_tcp=False))

rp = lt.add_torrent_params()
rp.ti = info
rp.save_path = workdir
rh = relay.add_torrent(rp)
os.makedirs(os.path.join(workdir, "leech"), exist_ok=True)
lp = lt.add_torrent_params()
lp.ti = lt.torrent_info(info)
lp.save_path = os.path.join(workdir, "leech")
lh = leecher.add_torrent(lp)
# the session's rate limit does not apply to peers on a local network (loopback is one); the torrent's does
lh.set_download_limit(16384)

deadline = time.time() + 60
while not rh.status().is_seeding:
    if time.time() > deadline:
        print("FAILED relay not seeding: %s" % rh.status().state, flush=True)
        sys.exit(1)
    time.sleep(0.1)
next_try = 0
# payload from the relay means the relay read the leecher's extended handshake (it precedes the leecher's requests on
# the same stream): only then does the relay know the leecher speaks ut_holepunch
while rh.status().num_peers < 1 or lh.status().num_peers < 1 or lh.status().total_payload_download == 0:
    if time.time() > deadline:
        print("FAILED leecher not connected to the relay", flush=True)
        sys.exit(1)
    if time.time() > next_try:  # a uTP SYN may be lost; libtorrent's own retry is slow
        lh.connect_peer(("127.0.0.1", relay.listen_port()))
        next_try = time.time() + 3
    time.sleep(0.1)

print("READY %d %d %s %d" % (relay.listen_port(), leecher.listen_port(), str(info.info_hash()), info.num_pieces()),
      flush=True)
end = time.time() + 120
while time.time() < end:
    if os.environ.get("HOLEPUNCH_DEBUG"):
        with open(os.path.join(workdir, "alerts.log"), "a") as log:
            for name, ses in (("relay", relay), ("leecher", leecher)):
                for a in ses.pop_alerts():
                    log.write("%s %s\n" % (name, a.message()))
    r, _, _ = select.select([sys.stdin], [], [], 0.5)
    if not r:
        continue
    line = sys.stdin.readline()
    if not line:
        break
    if line.strip() == "PROGRESS":
        print("PROGRESS %d" % lh.status().num_pieces, flush=True)
