"""Seeds one freshly made torrent with libtorrent on 127.0.0.1 for the evaluator's real-client test.

Prints one line "READY <port> <info hash hex> <num pieces>" once seeding, then runs until stdin closes or 120 s pass;
the line "PEERS" on stdin is answered with "PEERS <connected peers>".
Loopback only: DHT, LSD, UPnP, NAT-PMP and uTP are off.
With --utp-only as the last argument it speaks uTP (BEP 29) only: TCP is off both ways.
"""
import os
import select
import sys
import time

import libtorrent as lt

workdir = sys.argv[1]
data = os.path.join(workdir, "payload.bin")
with open(data, "wb") as f:
    f.write(os.urandom(37 * 16384 + 123))  # 38 pieces of 16 KiB, the last one short

fs = lt.file_storage()
lt.add_files(fs, data)
ct = lt.create_torrent(fs, 16384)
ct.set_creator("btda test")
lt.set_piece_hashes(ct, workdir)
info = lt.torrent_info(lt.bencode(ct.generate()))

settings = {
    "listen_interfaces": "127.0.0.1:0",
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": False,
    "enable_outgoing_utp": False,
    "allow_multiple_connections_per_ip": True,
    "alert_mask": 0,
}
if sys.argv[-1] == "--utp-only":
    settings.update({"enable_incoming_tcp": False, "enable_outgoing_tcp": False,
                     "enable_incoming_utp": True, "enable_outgoing_utp": True})
ses = lt.session(settings)
params = lt.add_torrent_params()
params.ti = info
params.save_path = workdir
h = ses.add_torrent(params)

deadline = time.time() + 60
while not h.status().is_seeding:
    if time.time() > deadline:
        print("FAILED not seeding: %s" % h.status().state, flush=True)
        sys.exit(1)
    time.sleep(0.1)

print("READY %d %s %d" % (ses.listen_port(), str(info.info_hash()), info.num_pieces()), flush=True)
end = time.time() + 120
while time.time() < end:
    r, _, _ = select.select([sys.stdin], [], [], 0.5)
    if not r:
        continue
    line = sys.stdin.readline()
    if not line:
        break
    if line.strip() == "PEERS":
        print("PEERS %d" % len(h.get_peer_info()), flush=True)
