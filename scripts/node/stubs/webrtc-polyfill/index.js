// The test swarm speaks TCP (and uTP) only. The real polyfill needs node-datachannel's native
// build, which `npm install --ignore-scripts` does not fetch; any attempt to use WebRTC fails loudly.
class Unavailable {
  constructor () { throw new Error('WebRTC is not available in the btda test swarm (webrtc-polyfill stub)') }
}
export class RTCPeerConnection extends Unavailable {}
export class RTCSessionDescription extends Unavailable {}
export class RTCIceCandidate extends Unavailable {}
export class RTCDataChannel extends Unavailable {}
export default { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate, RTCDataChannel }
