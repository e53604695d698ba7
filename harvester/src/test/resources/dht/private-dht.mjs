// A private swarm of bittorrent-dht nodes on loopback for DhtInteropTest. Never contacts anything outside the
// addresses given: node 0 has bootstrap false, every other node is bootstrapped only to node 0.
//   node private-dht.mjs <bittorrent-dht dir> <count> <announce info hash hex> <announce port>
// stdout: one JSON line per event; stdin: "lookup <node> <hex>" | "table <node>" | "quit"
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import path from 'node:path'

const [dir, countArg, announceHash, announcePort] = process.argv.slice(2)
const { default: DHT } = await import(pathToFileURL(path.join(dir, 'index.js')).href)
const count = Number(countArg)
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n')
const hostOf = (i) => `127.${60 + (i % 3)}.0.${1 + i}`

function listen (dht, host) {
  return new Promise((resolve, reject) => {
    dht.once('error', reject)
    dht.listen(0, host, () => resolve(dht.address().port))
  })
}

const nodes = []
const addrs = []
for (let i = 0; i < count; i++) {
  const bootstrap = i === 0 ? false : [addrs[0]]
  const dht = new DHT({ bootstrap, host: hostOf(i) })
  const port = await listen(dht, hostOf(i))
  addrs.push(`${hostOf(i)}:${port}`)
  nodes.push(dht)
  if (i > 0) await new Promise((resolve) => dht.ready ? resolve() : dht.once('ready', resolve))
}
// second round so that every node knows more than node 0
await Promise.all(nodes.slice(1).map((d) => new Promise((resolve) => d._rpc.populate(d.nodeId, {
  q: 'find_node', a: { id: d.nodeId, target: d.nodeId }
}, resolve))))
await new Promise((resolve, reject) => nodes[0].announce(announceHash, Number(announcePort), (err) => err ? reject(err) : resolve()))
out({ ready: true, nodes: addrs, ids: nodes.map((d) => d.nodeId.toString('hex')) })

const rl = createInterface({ input: process.stdin })
rl.on('line', (line) => {
  const [cmd, idx, hex] = line.trim().split(/\s+/)
  const dht = nodes[Number(idx)]
  if (cmd === 'lookup') {
    const peers = new Set()
    const onpeer = (peer, ih) => { if (ih.toString('hex') === hex) peers.add(`${peer.host}:${peer.port}`) }
    dht.on('peer', onpeer)
    dht.lookup(hex, (err) => {
      dht.removeListener('peer', onpeer)
      out({ lookup: hex, error: err ? String(err) : null, peers: [...peers] })
    })
  } else if (cmd === 'table') {
    out({ table: idx, nodes: dht.toJSON().nodes.map((n) => ({ host: n.host, port: n.port })), ids: dht.nodes.toArray().map((n) => n.id.toString('hex')) })
  } else if (cmd === 'quit') {
    nodes.forEach((d) => d.destroy())
    process.exit(0)
  }
})
