"""A libtorrent seed on 127.0.0.1 that dials btda on request, for the passive-mode tests.

Prints "READY <listen port> <info hash hex> <num pieces> <piece length>" once seeding. Then reads commands from stdin,
one a line: "CONNECT <port>" makes libtorrent connect to 127.0.0.1:<port> (it sends BEP 10 'p' on connections it
opens); "TORRENT2 <port>" adds a second, unrelated torrent and connects for it; EOF or 120 s end it.
Loopback only: DHT, LSD, UPnP, NAT-PMP and uTP are off; encryption is disabled so libtorrent speaks plaintext.
With --utp-only as the last argument it speaks uTP (BEP 29) only: TCP is off both ways.
"""
import os
import select
import sys
import time

import libtorrent as lt

workdir = sys.argv[1]


def make_torrent(name, size):
    data = os.path.join(workdir, name)
    with open(data, "wb") as f:
        f.write(os.urandom(size))
    fs = lt.file_storage()
    lt.add_files(fs, data)
    ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)  # v1 only: one info hash on the wire
    ct.set_creator("btda test")
    lt.set_piece_hashes(ct, workdir)
    return lt.torrent_info(lt.bencode(ct.generate()))


info = make_torrent("payload.bin", 37 * 16384 + 123)  # 38 pieces of 16 KiB, the last one short

settings = {
    "listen_interfaces": "127.0.0.1:0",
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": False,
    "enable_outgoing_utp": False,
    "allow_multiple_connections_per_ip": True,
    "out_enc_policy": 2,  # pe_disabled: plaintext, so btda sees the BitTorrent handshake
    "in_enc_policy": 2,
    "alert_mask": 0,
}
if sys.argv[-1] == "--utp-only":
    settings.update({"enable_incoming_tcp": False, "enable_outgoing_tcp": False,
                     "enable_incoming_utp": True, "enable_outgoing_utp": True})
ses = lt.session(settings)


def add(ti):
    params = lt.add_torrent_params()
    params.ti = ti
    params.save_path = workdir
    return ses.add_torrent(params)


h = add(info)
deadline = time.time() + 60
while not h.status().is_seeding:
    if time.time() > deadline:
        print("FAILED not seeding: %s" % h.status().state, flush=True)
        sys.exit(1)
    time.sleep(0.1)

print("READY %d %s %d %d" % (ses.listen_port(), str(info.info_hash()), info.num_pieces(), info.piece_length()), flush=True)
end = time.time() + 120
buf = ""
while time.time() < end:
    r, _, _ = select.select([sys.stdin], [], [], 0.5)
    if not r:
        continue
    line = sys.stdin.readline()
    if not line:
        break
    cmd = line.split()
    if cmd[0] == "CONNECT":
        h.connect_peer(("127.0.0.1", int(cmd[1])))
        print("OK", flush=True)
    elif cmd[0] == "TORRENT2":
        other = add(make_torrent("other.bin", 3 * 16384))
        other.connect_peer(("127.0.0.1", int(cmd[1])))
        print("OK %s" % str(other.info_hash()), flush=True)
