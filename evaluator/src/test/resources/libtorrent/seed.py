"""Seeds one freshly made torrent with libtorrent on loopback for the evaluator's real-client tests.

Usage: seed.py WORKDIR [LISTEN_IP] [--utp-only]   (LISTEN_IP defaults to 127.0.0.1; ::1 for IPv6)
Prints one line "READY <port> <info hash hex> <num pieces>" once seeding, then runs until stdin closes or 120 s pass.
A stdin line "connect <ip> <port>" makes it dial that peer (for tests of incoming connections); the line "PEERS" is
answered with "PEERS <connected peers>".
Loopback only: DHT, LSD, UPnP, NAT-PMP and uTP are off.
With --utp-only as the last argument it speaks uTP (BEP 29) only: TCP is off both ways.
"""
import os
import select
import sys
import time

import libtorrent as lt

workdir = sys.argv[1]
listen_ip = sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else "127.0.0.1"
data = os.path.join(workdir, "payload.bin")
with open(data, "wb") as f:
    f.write(os.urandom(37 * 16384 + 123))  # 38 pieces of 16 KiB, the last one short

fs = lt.file_storage()
lt.add_files(fs, data)
# v1 only: of a hybrid torrent libtorrent dials out with the truncated v2 hash, which names no torrent we monitor
ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
ct.set_creator("btda test")
lt.set_piece_hashes(ct, workdir)
info = lt.torrent_info(lt.bencode(ct.generate()))

settings = {
    "listen_interfaces": ("[%s]:0" if ":" in listen_ip else "%s:0") % listen_ip,
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": False,
    "enable_outgoing_utp": False,
    "allow_multiple_connections_per_ip": True,
    "out_enc_policy": 2,  # pe_disabled: when it dials the evaluator, it does so in plaintext
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
    words = line.split()
    if len(words) == 3 and words[0] == "connect":
        h.connect_peer((words[1], int(words[2])))
    elif line.strip() == "PEERS":
        print("PEERS %d" % len(h.get_peer_info()), flush=True)
