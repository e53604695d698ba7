// The private DHT of MagnetDhtEndToEndTest: one bittorrent-dht node per address given, each on port 6881. Node 0 has
// bootstrap false, every other node is bootstrapped only to node 0: nothing outside these addresses is ever contacted.
//   node private-dht.mjs <bittorrent-dht dir> <max seconds> <ip> <ip> ...
// stdout: {"ready":true,"nodes":[...]} once every node is up; exits on stdin EOF or after max seconds.
import { pathToFileURL } from 'node:url'
import path from 'node:path'

const [dir, maxSeconds, ...hosts] = process.argv.slice(2)
const { default: DHT } = await import(pathToFileURL(path.join(dir, 'index.js')).href)
const nodes = []
const addrs = []
const quit = () => { nodes.forEach((d) => d.destroy()); process.exit(0) }
setTimeout(quit, Math.min(Number(maxSeconds), 600) * 1000).unref()
process.stdin.on('end', quit)
process.stdin.resume()

for (let i = 0; i < hosts.length; i++) {
  const dht = new DHT({ bootstrap: i === 0 ? false : [addrs[0]], host: hosts[i] })
  await new Promise((resolve, reject) => { dht.once('error', reject); dht.listen(6881, hosts[i], resolve) })
  addrs.push(`${hosts[i]}:6881`)
  nodes.push(dht)
  if (i > 0) await new Promise((resolve) => dht.ready ? resolve() : dht.once('ready', resolve))
}
// second round so that every node knows more than node 0
await Promise.all(nodes.slice(1).map((d) => new Promise((resolve) => d._rpc.populate(d.nodeId, {
  q: 'find_node', a: { id: d.nodeId, target: d.nodeId }
}, resolve))))
process.stdout.write(JSON.stringify({ ready: true, nodes: addrs }) + '\n')
