"""A python-libtorrent peer for the BEP 55 (holepunch) swarm test: the seeder btda can reach, or the leecher behind a NAT.

Usage: lt-holepunch-peer.py <seed|leech|relay> <ip> <port> <torrent file> <save dir> <download limit B/s> <status file> [<peer ip:port>,...]
Writes "<progress 0..1> <connected peers>" to the status file about every half second and connects to the listed
peers while it has fewer connections than that; ends when stdin closes (the JVM that started it is gone) or after
15 minutes, whatever happens to the fixture. DHT, LSD, UPnP and NAT-PMP are off; it announces
to every tracker of the torrent. uTP is on both ways and ut_holepunch is on (libtorrent's default, it has no setting).
A relay is a leecher that btda can reach (it downloads slowly, so btda keeps revisiting it).
The leecher dials out over uTP only (enable_outgoing_tcp off): its connection to the seeder then leaves from its listen
port, so behind a port-preserving NAT the seeder knows it by the endpoint the tracker hands out, which is how a BEP 55
relay finds the target of a rendezvous. Peers on a local network escape the session's rate limit, so the torrent's
own limit is set as well.
"""
import os
import select
import sys
import time

import libtorrent as lt

role, ip, port, torrent, save, limit, status = (sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5],
                                                int(sys.argv[6]), sys.argv[7])
peers = sys.argv[8].split(",") if len(sys.argv) > 8 else []

settings = {
    "listen_interfaces": "%s:%d" % (ip, port),
    "outgoing_interfaces": ip,
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_incoming_utp": True,
    "enable_outgoing_utp": True,
    "enable_incoming_tcp": True,
    "enable_outgoing_tcp": role != "leech",
    "download_rate_limit": limit,
    "allow_multiple_connections_per_ip": True,
    "announce_to_all_trackers": True,
    "announce_to_all_tiers": True,
    "alert_mask": 0,
}
ses = lt.session(settings)
params = lt.add_torrent_params()
params.ti = lt.torrent_info(torrent)
params.save_path = save
h = ses.add_torrent(params)
if limit > 0:
    h.set_download_limit(limit)
print("started %s %s on %s:%d, limit %d B/s" % (role, torrent, ip, port, limit), flush=True)
next_connect = 0
end = time.time() + 900
while time.time() < end:
    s = h.status()
    if s.num_peers < len(peers) and time.time() > next_connect:
        for peer in peers:
            host, p = peer.rsplit(":", 1)
            h.connect_peer((host, int(p)))  # libtorrent ignores a peer it is already connected to
        next_connect = time.time() + 2
    tmp = status + ".tmp"
    with open(tmp, "w") as f:
        f.write("%.6f %d\n" % (1.0 if s.is_seeding else s.progress, s.num_peers))
    os.replace(tmp, status)
    r, _, _ = select.select([sys.stdin], [], [], 0.5)
    if r and not sys.stdin.readline():
        break
