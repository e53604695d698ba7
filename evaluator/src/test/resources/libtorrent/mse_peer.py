"""A libtorrent seed on 127.0.0.1 with a chosen MSE/PE policy, for the evaluator's encryption tests.

Usage: mse_peer.py <workdir> <forced|enabled|disabled>. forced = pe_forced both ways (refuses plaintext),
disabled = plaintext only. Prints "READY <listen port> <info hash hex> <num pieces>" once seeding; then reads
"CONNECT <port>" lines (libtorrent dials 127.0.0.1:<port>, answered "OK"); EOF or 120 s end it.
Loopback only: DHT, LSD, UPnP, NAT-PMP and uTP are off.
"""
import sys

import libtorrent as lt

from ltfixture import add, commands, loopback_settings, make_torrent, say, wait_seeding

workdir = sys.argv[1]
policy = {"forced": 0, "enabled": 1, "disabled": 2}[sys.argv[2]]
info = make_torrent(workdir)

ses = lt.session(loopback_settings(
    out_enc_policy=policy,
    in_enc_policy=policy,
    allowed_enc_level=2 if policy == 0 else 3,  # forced: RC4 only, so the stream itself is encrypted
))
h = add(ses, info, workdir)
wait_seeding(h)

say("READY %d %s %d" % (ses.listen_port(), str(info.info_hash()), info.num_pieces()))
for words in commands():
    if words[0] == "CONNECT":
        h.connect_peer(("127.0.0.1", int(words[1])))
        say("OK")
