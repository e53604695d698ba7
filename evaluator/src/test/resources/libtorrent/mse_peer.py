"""A libtorrent seed on 127.0.0.1 with a chosen MSE/PE policy, for the evaluator's encryption tests.

Usage: mse_peer.py <workdir> <forced|enabled|disabled>. forced = pe_forced both ways (refuses plaintext),
disabled = plaintext only. Prints "READY <listen port> <info hash hex> <num pieces>" once seeding; then reads
"CONNECT <port>" lines (libtorrent dials 127.0.0.1:<port>, answered "OK"); EOF or 120 s end it.
Loopback only: DHT, LSD, UPnP, NAT-PMP and uTP are off.
"""
import os
import select
import sys
import time

import libtorrent as lt

workdir = sys.argv[1]
policy = {"forced": 0, "enabled": 1, "disabled": 2}[sys.argv[2]]

data = os.path.join(workdir, "payload.bin")
with open(data, "wb") as f:
    f.write(os.urandom(37 * 16384 + 123))  # 38 pieces of 16 KiB, the last one short
fs = lt.file_storage()
lt.add_files(fs, data)
ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
ct.set_creator("btda test")
lt.set_piece_hashes(ct, workdir)
info = lt.torrent_info(lt.bencode(ct.generate()))

ses = lt.session({
    "listen_interfaces": "127.0.0.1:0",
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": False,
    "enable_outgoing_utp": False,
    "allow_multiple_connections_per_ip": True,
    "out_enc_policy": policy,
    "in_enc_policy": policy,
    "allowed_enc_level": 2 if policy == 0 else 3,  # forced: RC4 only, so the stream itself is encrypted
    "alert_mask": 0,
})
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
    cmd = line.split()
    if cmd and cmd[0] == "CONNECT":
        h.connect_peer(("127.0.0.1", int(cmd[1])))
        print("OK", flush=True)
