#!/usr/bin/python3
"""libtorrent peer on 127.0.0.1 for btda's real-client wire tests. Run with Debian's /usr/bin/python3.

Usage: lt_peer.py WORKDIR seed|empty
Creates WORKDIR/data/payload.bin (random, 37 pieces of 16 KiB, last one short) and WORKDIR/t.torrent, then runs one
libtorrent session listening on 127.0.0.1 (TCP only; no DHT/LSD/UPnP/NAT-PMP/uTP). `seed` adds the torrent with the
data (all pieces), `empty` with an empty save path (no pieces). Prints one line
  READY <port> <info hash hex> <num pieces> <pieces we have>
and then runs until stdin is closed (the Java test closes it), or 120 s at most. A stdin line "connect PORT MODE" makes
libtorrent dial 127.0.0.1:PORT (the incoming-connection tests), MODE "plain" with encryption disabled, "default" with
libtorrent's default outgoing policy (MSE first).
"""
import os
import select
import sys
import time

import libtorrent as lt

PIECE = 16 * 1024


def main():
    workdir, mode = sys.argv[1], sys.argv[2]
    data_dir = os.path.join(workdir, "data")
    os.makedirs(data_dir, exist_ok=True)
    with open(os.path.join(data_dir, "payload.bin"), "wb") as f:
        f.write(os.urandom(PIECE * 36 + 1234))

    fs = lt.file_storage()
    lt.add_files(fs, os.path.join(data_dir, "payload.bin"))
    # v1 only: libtorrent 2.0 makes hybrid v1+v2 torrents by default, and aria2 1.37 computes a different v1 info
    # hash for those, so the second client could not join the same swarm
    ct = lt.create_torrent(fs, PIECE, flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(ct, data_dir)
    torrent_path = os.path.join(workdir, "t.torrent")
    with open(torrent_path, "wb") as f:
        f.write(lt.bencode(ct.generate()))

    ses = lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "outgoing_interfaces": "127.0.0.1",
        "allow_multiple_connections_per_ip": True,
        "enable_incoming_utp": False,
        "enable_outgoing_utp": False,
        "enable_incoming_tcp": True,
        "enable_outgoing_tcp": True,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent_path)
    params.save_path = data_dir if mode == "seed" else os.path.join(workdir, "empty")
    handle = ses.add_torrent(params)

    deadline = time.time() + 60
    want_seed = mode == "seed"
    while time.time() < deadline:
        st = handle.status()
        checked = st.state not in (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data)
        if checked and ses.listen_port() > 0 and (st.is_seeding if want_seed else True):
            break
        time.sleep(0.05)
    st = handle.status()
    print("READY %d %s %d %d" % (ses.listen_port(), str(params.ti.info_hashes().v1), params.ti.num_pieces(),
                                 st.num_pieces), flush=True)

    end = time.time() + 120
    pending = b""
    while time.time() < end:
        r, _, _ = select.select([sys.stdin], [], [], 0.2)
        if r:
            chunk = os.read(sys.stdin.fileno(), 4096)
            if not chunk:
                break
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                words = line.decode().split()
                if len(words) == 3 and words[0] == "connect":
                    # out_enc_policy: 0 forced, 1 enabled (the default: tries MSE first), 2 disabled
                    ses.apply_settings({"out_enc_policy": 2 if words[2] == "plain" else 1})
                    handle.connect_peer(("127.0.0.1", int(words[1])), 0)
        ses.pop_alerts()


if __name__ == "__main__":
    main()
