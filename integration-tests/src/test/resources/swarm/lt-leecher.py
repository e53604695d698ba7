"""A python-libtorrent leecher for the swarm, with encryption forced both ways (pe_forced, RC4 only).

Usage: lt-leecher.py <ip> <port> <torrent file> <download dir> <limit B/s> <status file>
Writes its progress (0..1) to the status file about every second; runs until the fixture ends it. DHT, LSD, UPnP, NAT-PMP
and uTP are off: it finds peers through the torrent's trackers and PEX only, over TCP.
"""
import os
import sys
import time

import libtorrent as lt

ip, port, torrent, save, limit, status = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]

ses = lt.session({
    "listen_interfaces": "%s:%d" % (ip, port),
    "outgoing_interfaces": ip,
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": False,
    "enable_outgoing_utp": False,
    "out_enc_policy": 0,  # pe_forced
    "in_enc_policy": 0,
    "allowed_enc_level": 2,  # RC4 only: the whole stream is encrypted, not just the handshake
    "download_rate_limit": limit,
    "allow_multiple_connections_per_ip": True,
    "announce_to_all_trackers": True,
    "announce_to_all_tiers": True,
    "alert_mask": 0,
})
params = lt.add_torrent_params()
params.ti = lt.torrent_info(torrent)
params.save_path = save
h = ses.add_torrent(params)

while True:
    s = h.status()
    tmp = status + ".tmp"
    with open(tmp, "w") as f:
        f.write("%.6f\n" % (1.0 if s.is_seeding else s.progress))
    os.replace(tmp, status)
    time.sleep(1)
