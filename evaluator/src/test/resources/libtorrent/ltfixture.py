"""What the evaluator's libtorrent test peers share: a fresh torrent, loopback-only session settings, waiting to seed,
and the stdin command loop. Imported by the scripts beside it (the tests copy it with them: LibtorrentScripts).
"""
import os
import select
import sys
import time

import libtorrent as lt

PIECE = 16384
PAYLOAD = 37 * PIECE + 123  # 38 pieces of 16 KiB, the last one short


def make_torrent(workdir, name="payload.bin", size=PAYLOAD):
    """A single-file torrent of random bytes written to workdir. v1 only: of a hybrid torrent libtorrent dials out with
    the truncated v2 hash, which names no torrent btda monitors."""
    data = os.path.join(workdir, name)
    with open(data, "wb") as f:
        f.write(os.urandom(size))
    fs = lt.file_storage()
    lt.add_files(fs, data)
    ct = lt.create_torrent(fs, PIECE, flags=lt.create_torrent.v1_only)
    ct.set_creator("btda test")
    lt.set_piece_hashes(ct, workdir)
    return lt.torrent_info(lt.bencode(ct.generate()))


def loopback_settings(listen_ip="127.0.0.1", **overrides):
    """Session settings for a peer that stays on loopback: DHT, LSD, UPnP, NAT-PMP and uTP off (overrides win)."""
    settings = {
        "listen_interfaces": ("[%s]:0" if ":" in listen_ip else "%s:0") % listen_ip,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_incoming_utp": False,
        "enable_outgoing_utp": False,
        "allow_multiple_connections_per_ip": True,
        "alert_mask": 0,
    }
    settings.update(overrides)
    return settings


def utp_only(settings):
    """uTP (BEP 29) only: TCP off both ways."""
    settings.update({"enable_incoming_tcp": False, "enable_outgoing_tcp": False,
                     "enable_incoming_utp": True, "enable_outgoing_utp": True})
    return settings


def add(ses, info, save_path):
    params = lt.add_torrent_params()
    params.ti = info
    params.save_path = save_path
    return ses.add_torrent(params)


def wait_seeding(h, seconds=60, what="not seeding"):
    deadline = time.time() + seconds
    while not h.status().is_seeding:
        if time.time() > deadline:
            fail("%s: %s" % (what, h.status().state))
        time.sleep(0.1)


def fail(why):
    print("FAILED %s" % why, flush=True)
    sys.exit(1)


def say(line):
    print(line, flush=True)


def commands(seconds=120, each_turn=None):
    """The words of each stdin line until EOF or `seconds` pass; each_turn runs every half second or so."""
    end = time.time() + seconds
    while time.time() < end:
        if each_turn:
            each_turn()
        r, _, _ = select.select([sys.stdin], [], [], 0.5)
        if not r:
            continue
        line = sys.stdin.readline()
        if not line:
            return
        words = line.split()
        if words:
            yield words
