"""Seeds one freshly made torrent with libtorrent on loopback for the evaluator's real-client tests.

Usage: seed.py WORKDIR [LISTEN_IP] [--utp-only]   (LISTEN_IP defaults to 127.0.0.1; ::1 for IPv6)
Prints one line "READY <port> <info hash hex> <num pieces>" once seeding, then runs until stdin closes or 120 s pass.
A stdin line "connect <ip> <port>" makes it dial that peer (for tests of incoming connections); the line "PEERS" is
answered with "PEERS <connected peers>".
Loopback only: DHT, LSD, UPnP, NAT-PMP and uTP are off.
With --utp-only as the last argument it speaks uTP (BEP 29) only: TCP is off both ways.
"""
import sys

import libtorrent as lt

from ltfixture import add, commands, loopback_settings, make_torrent, say, utp_only, wait_seeding

workdir = sys.argv[1]
listen_ip = sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else "127.0.0.1"
info = make_torrent(workdir)

# pe_disabled outgoing: when it dials the evaluator, it does so in plaintext
settings = loopback_settings(listen_ip, out_enc_policy=2)
if sys.argv[-1] == "--utp-only":
    utp_only(settings)
ses = lt.session(settings)
h = add(ses, info, workdir)
wait_seeding(h)

say("READY %d %s %d" % (ses.listen_port(), str(info.info_hash()), info.num_pieces()))
for words in commands():
    if len(words) == 3 and words[0] == "connect":
        h.connect_peer((words[1], int(words[2])))
    elif words == ["PEERS"]:
        say("PEERS %d" % len(h.get_peer_info()))
