"""A libtorrent seed on 127.0.0.1 that dials btda on request, for the passive-mode tests.

Prints "READY <listen port> <info hash hex> <num pieces> <piece length>" once seeding. Then reads commands from stdin,
one a line: "CONNECT <port>" makes libtorrent connect to 127.0.0.1:<port> (it sends BEP 10 'p' on connections it
opens); "TORRENT2 <port>" adds a second, unrelated torrent and connects for it; EOF or 120 s end it.
Loopback only: DHT, LSD, UPnP, NAT-PMP and uTP are off; encryption is disabled so libtorrent speaks plaintext.
With --utp-only as the last argument it speaks uTP (BEP 29) only: TCP is off both ways.
"""
import sys

import libtorrent as lt

from ltfixture import PIECE, add, commands, loopback_settings, make_torrent, say, utp_only, wait_seeding

workdir = sys.argv[1]
info = make_torrent(workdir)

# pe_disabled both ways: plaintext, so btda sees the BitTorrent handshake
settings = loopback_settings(out_enc_policy=2, in_enc_policy=2)
if sys.argv[-1] == "--utp-only":
    utp_only(settings)
ses = lt.session(settings)
h = add(ses, info, workdir)
wait_seeding(h)

say("READY %d %s %d %d" % (ses.listen_port(), str(info.info_hash()), info.num_pieces(), info.piece_length()))
for words in commands():
    if words[0] == "CONNECT":
        h.connect_peer(("127.0.0.1", int(words[1])))
        say("OK")
    elif words[0] == "TORRENT2":
        other = add(ses, make_torrent(workdir, "other.bin", 3 * PIECE), workdir)
        other.connect_peer(("127.0.0.1", int(words[1])))
        say("OK %s" % str(other.info_hash()))
