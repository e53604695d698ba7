"""Many small torrents in one libtorrent session on 127.0.0.1 (Debian's /usr/bin/python3 with python3-libtorrent).

Usage: libtorrent-seed.py WORKDIR MAX_SECONDS TORRENTS PIECES
Seeds TORRENTS torrents of PIECES pieces of 16 KiB (seed mode: the data was just written, so no checking pass).
One torrent per contact: libtorrent closes a second connection that carries the same peer id into the same torrent,
and one evaluator process dials with one peer id.
Prints "TORRENT <info hash hex>" per torrent, then "READY <port> <pieces>" once every torrent is seeding, then
runs until stdin closes or MAX_SECONDS pass. Loopback only: DHT, LSD, UPnP, NAT-PMP and uTP are off.
"""
import os
import select
import sys
import time

import libtorrent as lt

PIECE = 16384
workdir = sys.argv[1]
max_seconds = min(float(sys.argv[2]), 900)
count = min(int(sys.argv[3]), 2000)
pieces = min(int(sys.argv[4]), 64)

ses = lt.session({
    "listen_interfaces": "127.0.0.1:0",
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": False,
    "enable_outgoing_utp": False,
    "allow_multiple_connections_per_ip": True,
    "connections_limit": 2000,
    "active_limit": 5000,
    "active_seeds": 5000,
    "active_downloads": 5000,
    "alert_mask": 0,
})
handles = []
for i in range(count):
    d = os.path.join(workdir, "t%04d" % i)
    os.makedirs(d, exist_ok=True)
    data = os.path.join(d, "payload.bin")
    with open(data, "wb") as f:
        f.write(os.urandom(pieces * PIECE))
    fs = lt.file_storage()
    lt.add_files(fs, data)
    ct = lt.create_torrent(fs, PIECE)
    ct.set_creator("btda e2e")
    lt.set_piece_hashes(ct, d)
    info = lt.torrent_info(lt.bencode(ct.generate()))
    params = lt.add_torrent_params()
    params.ti = info
    params.save_path = d
    params.flags |= lt.torrent_flags.seed_mode
    h = ses.add_torrent(params)
    handles.append((h, str(info.info_hash())))

deadline = time.time() + 120
for h, ih in handles:
    while not h.status().is_seeding:
        if time.time() > deadline:
            print("FAILED: %s %s with %d pieces" % (ih, h.status().state, h.status().num_pieces), flush=True)
            sys.exit(1)
        time.sleep(0.05)
    print("TORRENT %s" % ih, flush=True)

print("READY %d %d" % (ses.listen_port(), pieces), flush=True)
end = time.time() + max_seconds
while time.time() < end:
    r, _, _ = select.select([sys.stdin], [], [], 0.5)
    if r and not sys.stdin.read(1):
        break
