#!/usr/bin/python3
# libtorrent seeding a given .torrent from existing data, on one loopback address. DHT, LSD, UPnP and NAT-PMP are
# off; the torrent must have no trackers (or only loopback ones), so it talks only to whoever connects to it.
#   /usr/bin/python3 lt-seed-file.py <torrent> <data dir> <listen ip>
# stdout: "ready <port>" once seeding; exits when stdin closes.
import sys, time
import libtorrent as lt

torrent, data, ip = sys.argv[1], sys.argv[2], sys.argv[3]
ses = lt.session({
    'listen_interfaces': ip + ':0',
    'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'dht_bootstrap_nodes': '',
})
h = ses.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': data, 'flags': lt.torrent_flags.seed_mode})
deadline = time.time() + 30
while not h.status().is_seeding and time.time() < deadline:
    time.sleep(0.1)
print('ready', ses.listen_port(), flush=True)
sys.stdin.read()
