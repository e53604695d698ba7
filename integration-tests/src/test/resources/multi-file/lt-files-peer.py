#!/usr/bin/python3
"""One libtorrent peer of MultiFileSwarmTest (Debian's /usr/bin/python3 + python3-libtorrent).

Usage: lt-files-peer.py seed  IP WORKDIR ANNOUNCE_URL MAX_SECONDS SIZES
       lt-files-peer.py leech IP WORKDIR ANNOUNCE_URL MAX_SECONDS TORRENT_FILE RATE_BYTES_PER_SECOND PRIORITIES
One session listening on IP:6881, announcing to ANNOUNCE_URL only (no DHT, LSD, UPnP, NAT-PMP, uTP; no encryption,
so btda's plaintext handshake is accepted).
seed:  writes WORKDIR/pack/file<i>.bin of the comma-separated SIZES (bytes) and WORKDIR/pack.torrent (32 KiB pieces,
       files end to end, no padding), seeds it, prints "TORRENT <hex>" then "READY".
leech: downloads TORRENT_FILE into WORKDIR at RATE with file PRIORITIES (comma-separated, 0 = do not download; "all" =
       every file at priority 4); prints "PROGRESS <pieces> <file progress bytes,...>" each second and "DONE" once
       every wanted file is complete, then keeps seeding what it has.
Runs until stdin closes or MAX_SECONDS pass.
"""
import os
import select
import sys
import time

import libtorrent as lt

PIECE = 32768
role, ip, workdir, announce = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
max_seconds = min(float(sys.argv[5]), 600)
os.makedirs(workdir, exist_ok=True)

settings = {
    "listen_interfaces": ip + ":6881",
    "outgoing_interfaces": ip,
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": False,
    "enable_outgoing_utp": False,
    "out_enc_policy": 2,  # pe_disabled
    "in_enc_policy": 2,
    "allow_multiple_connections_per_ip": True,
    "announce_to_all_trackers": True,
    "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
}
if role == "leech":
    settings["download_rate_limit"] = int(sys.argv[7])
ses = lt.session(settings)
end = time.time() + max_seconds


def stdin_closed(timeout):
    r, _, _ = select.select([sys.stdin], [], [], timeout)
    return bool(r) and not sys.stdin.read(1)


if role == "seed":
    sizes = [int(s) for s in sys.argv[6].split(",")]
    pack = os.path.join(workdir, "pack")
    os.makedirs(pack, exist_ok=True)
    for i, size in enumerate(sizes):
        with open(os.path.join(pack, "file%d.bin" % i), "wb") as f:
            f.write(os.urandom(size))
    fs = lt.file_storage()
    for i, size in enumerate(sizes):
        fs.add_file(os.path.join("pack", "file%d.bin" % i), size)
    ct = lt.create_torrent(fs, PIECE, flags=lt.create_torrent.v1_only)
    ct.set_creator("btda multi-file e2e")
    ct.add_tracker(announce, 0)
    lt.set_piece_hashes(ct, workdir)
    raw = lt.bencode(ct.generate())
    with open(os.path.join(workdir, "pack.torrent"), "wb") as f:
        f.write(raw)
    ti = lt.torrent_info(raw)
    print("TORRENT", str(ti.info_hashes().v1), "FILES", ti.num_files(), "PIECES", ti.num_pieces(), flush=True)
    ses.add_torrent({"ti": ti, "save_path": workdir, "flags": lt.torrent_flags.seed_mode})
    print("READY", flush=True)
    while time.time() < end and not stdin_closed(1.0):
        pass
else:
    ti = lt.torrent_info(sys.argv[6])
    prio = sys.argv[8]
    n = ti.num_files()
    priorities = [4] * n if prio == "all" else [int(p) for p in prio.split(",")]
    h = ses.add_torrent({"ti": ti, "save_path": workdir, "file_priorities": priorities})
    h.prioritize_files(priorities)
    sizes = [ti.files().file_size(i) for i in range(n)]
    done = False
    while time.time() < end and not stdin_closed(1.0):
        st = h.status()
        progress = h.file_progress()
        print("PROGRESS", st.num_pieces, ",".join(str(p) for p in progress), flush=True)
        if not done and all(progress[i] == sizes[i] for i in range(n) if priorities[i] > 0):
            done = True
            print("DONE", flush=True)
