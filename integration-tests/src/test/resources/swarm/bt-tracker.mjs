// bittorrent-tracker (webtorrent's tracker) for the test swarm: HTTP + UDP on one address, no WebSocket, no stats page.
// Usage: node bt-tracker.mjs <path to bittorrent-tracker/server.js> <bind ip> <port> <allowed info hash hex>[,<hex>...]
// Only the swarm's own torrents are accepted, like opentracker's whitelist, so a stray announce is visible as an error.
import { pathToFileURL } from 'node:url'

const [modulePath, host, port, allowed] = process.argv.slice(2)
const { default: Server } = await import(pathToFileURL(modulePath).href)
const whitelist = new Set(allowed.toLowerCase().split(','))

const server = new Server({
  http: true,
  udp: true,
  ws: false,
  stats: false,
  interval: 60 * 1000,
  filter (infoHash, params, cb) {
    cb(whitelist.has(infoHash) ? null : new Error('torrent not whitelisted'))
  }
})
server.on('error', err => { console.error('tracker error', err.message); process.exit(2) })
server.on('warning', err => console.error('tracker warning', err.message))
server.on('start', addr => console.log('start', addr))
server.on('complete', addr => console.log('complete', addr))
server.on('stop', addr => console.log('stop', addr))
// udp6 has to bind somewhere: ::1 exists on the namespace's lo and keeps it inside.
server.listen(Number(port), { http: host, udp: host, udp6: '::1' }, () => {
  console.log(`listening http+udp ${host}:${port}`)
})
