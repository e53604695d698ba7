#!/usr/bin/python3
# libtorrent seeder on loopback for MagnetResolverTest. DHT, LSD, UPnP and NAT-PMP are off and no tracker is set,
# so it talks only to whoever connects to it.
#   /usr/bin/python3 lt-seeder.py <work dir> <listen ip> <file size>
# stdout: "ready <port> <info hash hex> <piece count>"; exits when stdin closes.
import os, sys, time
import libtorrent as lt

work, ip, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
data_dir = os.path.join(work, 'data')
os.makedirs(data_dir, exist_ok=True)
path = os.path.join(data_dir, 'payload.bin')
with open(path, 'wb') as f:
    f.write(os.urandom(size))
fs = lt.file_storage()
lt.add_files(fs, path)
# many small pieces so the info dict spans several 16 KiB ut_metadata pieces
ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
lt.set_piece_hashes(ct, data_dir)
torrent = lt.bencode(ct.generate())
with open(os.path.join(work, 'payload.torrent'), 'wb') as f:
    f.write(torrent)
ti = lt.torrent_info(torrent)

ses = lt.session({
    'listen_interfaces': ip + ':0',
    'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'dht_bootstrap_nodes': '',
    'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
})
h = ses.add_torrent({'ti': ti, 'save_path': data_dir, 'flags': lt.torrent_flags.seed_mode})
deadline = time.time() + 30
while not h.status().is_seeding and time.time() < deadline:
    time.sleep(0.1)
print('ready', ses.listen_port(), str(ti.info_hashes().v1), ti.num_pieces(), flush=True)
sys.stdin.read()
