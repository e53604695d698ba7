// bittorrent-tracker (webtorrent's tracker) for the test swarm: HTTP + UDP on one address, no WebSocket, no stats page.
// Usage: node bt-tracker.mjs <path to bittorrent-tracker/server.js> <bind ip> <port> <allowed info hash hex>[,<hex>...]
// Only the swarm's own torrents are accepted, like opentracker's whitelist, so a stray announce is visible as an error.
// With an IPv6 bind ip, HTTP and udp6 listen there (HTTP answers carry IPv6 peers in BEP 7 'peers6').
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
// bittorrent-tracker's UDP announce answers list only the IPv4 peers, whatever socket the request came over. BEP 15
// says a tracker reached over IPv6 answers 18-byte IPv6 entries instead: make its udp6 socket do that.
const onRequest = server._onRequest.bind(server)
server._onRequest = (params, cb) => onRequest(params, (err, response) => {
  if (!err && response && params.type === 'udp' && params.action === 1 && String(params.ip).includes(':')) {
    response.peers = response.peers6 || Buffer.alloc(0)
  }
  cb(err, response)
})
// Both UDP sockets have to bind somewhere: ::1 and 127.0.0.1 exist on the namespace's lo and keep them inside.
const ipv6 = host.includes(':')
server.listen(Number(port), { http: host, udp: ipv6 ? '127.0.0.1' : host, udp6: ipv6 ? host : '::1' }, () => {
  console.log(`listening http+udp ${host}:${port}`)
})
