"""Two libtorrent sessions on 127.0.0.1 for the BEP 55 tests: a relay seeding a torrent and a leecher of it that
dialled the relay over uTP, so the relay knows the leecher by the endpoint of that uTP connection (its listen port).

Usage: holepunch_pair.py WORKDIR
Prints "READY <relay port> <leecher port> <info hash hex> <num pieces>" once the leecher is connected to the relay,
then "PROGRESS <pieces>" lines on request ("PROGRESS" on stdin); EOF or 120 s end it.
Loopback only: DHT, LSD, UPnP, NAT-PMP off; ut_holepunch is on by default in libtorrent, uTP is on explicitly, TCP off
for the leecher (so its connection to the relay is uTP from its listen port, as behind a port-preserving NAT).
The leecher downloads slowly (the torrent's download limit), so its piece count rises while it is observed.
"""
import os
import sys
import time

import libtorrent as lt

from ltfixture import add, commands, fail, loopback_settings, make_torrent, say, wait_seeding

workdir = sys.argv[1]
info = make_torrent(workdir)

# HOLEPUNCH_DEBUG=1: every alert of both sessions goes to WORKDIR/alerts.log (peer logs show ut_holepunch messages)
debug = os.environ.get("HOLEPUNCH_DEBUG")
common = loopback_settings(enable_incoming_utp=True, enable_outgoing_utp=True,
                           alert_mask=lt.alert.category_t.all_categories if debug else 0)
relay = lt.session(dict(common))
leecher = lt.session(dict(common, enable_incoming_tcp=False, enable_outgoing_tcp=False))

rh = add(relay, info, workdir)
os.makedirs(os.path.join(workdir, "leech"), exist_ok=True)
lh = add(leecher, lt.torrent_info(info), os.path.join(workdir, "leech"))
# the session's rate limit does not apply to peers on a local network (loopback is one); the torrent's does
lh.set_download_limit(16384)

wait_seeding(rh, what="relay not seeding")
deadline = time.time() + 60
next_try = 0
# payload from the relay means the relay read the leecher's extended handshake (it precedes the leecher's requests on
# the same stream): only then does the relay know the leecher speaks ut_holepunch
while rh.status().num_peers < 1 or lh.status().num_peers < 1 or lh.status().total_payload_download == 0:
    if time.time() > deadline:
        fail("leecher not connected to the relay")
    if time.time() > next_try:  # a uTP SYN may be lost; libtorrent's own retry is slow
        lh.connect_peer(("127.0.0.1", relay.listen_port()))
        next_try = time.time() + 3
    time.sleep(0.1)

say("READY %d %d %s %d" % (relay.listen_port(), leecher.listen_port(), str(info.info_hash()), info.num_pieces()))


def log_alerts():
    if debug:
        with open(os.path.join(workdir, "alerts.log"), "a") as log:
            for name, ses in (("relay", relay), ("leecher", leecher)):
                for a in ses.pop_alerts():
                    log.write("%s %s\n" % (name, a.message()))


for words in commands(each_turn=log_alerts):
    if words == ["PROGRESS"]:
        say("PROGRESS %d" % lh.status().num_pieces)
