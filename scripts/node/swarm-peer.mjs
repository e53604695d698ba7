#!/usr/bin/env node
// A WebTorrent seeder or leecher for btda's test swarm, on loopback or inside a test namespace only.
// Every discovery channel that could reach outside hosts (DHT bootstrap, local service discovery
// multicast, UPnP/NAT-PMP, web seeds) is switched off; peers come from the given tracker or --peer.
//
//   node swarm-peer.mjs seed  --file PATH [--tracker URL] [--port N] [--out TORRENT] [--piece-length N]
//   node swarm-peer.mjs leech --torrent PATH --dir DIR [--peer HOST:PORT] [--port N] [--stop-at FRACTION]
// Prints one JSON line per event on stdout ({"event":"ready"|"progress"|"done",...}); runs until SIGTERM
// (seed) or until done / --stop-at reached (leech; keeps seeding when --linger is given).
import WebTorrent from 'webtorrent'
import fs from 'node:fs'
import process from 'node:process'

function parse (argv) {
  const [mode, ...rest] = argv
  const opts = { mode }
  for (let i = 0; i < rest.length; i++) {
    const k = rest[i]
    if (!k.startsWith('--')) throw new Error(`unexpected argument ${k}`)
    const name = k.slice(2)
    if (name === 'linger') { opts.linger = true; continue }
    opts[name] = rest[++i]
  }
  if (mode !== 'seed' && mode !== 'leech') throw new Error('mode must be seed or leech')
  return opts
}

const say = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

const opts = parse(process.argv.slice(2))
const client = new WebTorrent({
  dht: false, lsd: false, natUpnp: false, natPmp: false, webSeeds: false, utp: false,
  torrentPort: opts.port ? Number(opts.port) : 0
})
client.on('error', (err) => { say({ event: 'error', message: String(err.message || err) }); process.exit(2) })
const stop = () => client.destroy(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

if (opts.mode === 'seed') {
  const seedOpts = { announce: opts.tracker ? [opts.tracker] : [], private: false }
  if (opts['piece-length']) seedOpts.pieceLength = Number(opts['piece-length'])
  client.seed(opts.file, seedOpts, (torrent) => {
    if (opts.out) fs.writeFileSync(opts.out, torrent.torrentFile)
    say({ event: 'ready', infoHash: torrent.infoHash, port: client.torrentPort, pieces: torrent.pieces.length })
  })
} else {
  const stopAt = opts['stop-at'] ? Number(opts['stop-at']) : 1
  const torrent = client.add(fs.readFileSync(opts.torrent), { path: opts.dir })
  torrent.on('ready', () => {
    if (opts.peer) torrent.addPeer(opts.peer)
    say({ event: 'ready', infoHash: torrent.infoHash, port: client.torrentPort, pieces: torrent.pieces.length })
  })
  let last = -1
  torrent.on('download', () => {
    const have = torrent.pieces.filter((p) => p === null).length
    if (have !== last) { last = have; say({ event: 'progress', have, total: torrent.pieces.length }) }
    if (torrent.progress >= stopAt && stopAt < 1) {
      torrent.pause()
      say({ event: 'paused', have, total: torrent.pieces.length })
    }
  })
  torrent.on('done', () => {
    say({ event: 'done', total: torrent.pieces.length })
    if (!opts.linger) stop()
  })
}
