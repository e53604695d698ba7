"""A libtorrent leecher that speaks uTP (BEP 29) only: TCP is off both ways.

Usage: lt-utp-leech.py <dir> <torrent file> <ip> <port> <download limit B/s>
Downloads into <dir>/downloads and writes its progress (0..1) to <dir>/progress twice a second until killed.
DHT, LSD, UPnP and NAT-PMP are off; it announces to every tracker of the torrent.
"""
import os
import sys
import time

import libtorrent as lt

workdir, torrent, ip, port, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
ses = lt.session({
    "listen_interfaces": "%s:%d" % (ip, port),
    "outgoing_interfaces": ip,
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_tcp": False,
    "enable_outgoing_tcp": False,
    "enable_incoming_utp": True,
    "enable_outgoing_utp": True,
    "announce_to_all_trackers": True,
    "announce_to_all_tiers": True,
    "download_rate_limit": limit,
    "allow_multiple_connections_per_ip": True,
    "alert_mask": 0,
})
params = lt.add_torrent_params()
params.ti = lt.torrent_info(torrent)
params.save_path = os.path.join(workdir, "downloads")
h = ses.add_torrent(params)
print("started %s on %s:%d (uTP only), limit %d B/s" % (torrent, ip, port, limit), flush=True)
progress = os.path.join(workdir, "progress")
while True:
    s = h.status()
    tmp = progress + ".tmp"
    with open(tmp, "w") as f:
        f.write("%.6f\n" % (1.0 if s.is_seeding else s.progress))
    os.replace(tmp, progress)
    time.sleep(0.5)
