# Creates a .torrent with python3-libtorrent (Debian /usr/bin/python3) and prints what libtorrent reads back from it.
# usage: lt_make.py <content path> <out.torrent> <v1|hybrid|v2> <piece size> <tracker>
import json, os, sys
import libtorrent as lt

src, out, mode, piece_size, tracker = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
fs = lt.file_storage()
lt.add_files(fs, src)
flags = {"v1": lt.create_torrent.v1_only, "hybrid": 0, "v2": lt.create_torrent.v2_only}[mode]
ct = lt.create_torrent(fs, piece_size, flags=flags)
ct.add_tracker(tracker, 0)
lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(src)))
with open(out, "wb") as f:
    f.write(lt.bencode(ct.generate()))
ti = lt.torrent_info(out)
hashes = ti.info_hashes()
print(json.dumps({
    "v1": str(hashes.v1) if hashes.has_v1() else None,
    "pieces": ti.num_pieces(),
    "total": ti.total_size(),
    "piece_length": ti.piece_length(),
    "files": ti.num_files(),
}))
