package org.btda.protocol.mse;

/**
 * User event fired downstream when the MSE handshake completed, before any payload byte: handlers behind the
 * transport learn how the stream is carried without knowing MSE.
 *
 * @param infoHash SKEY, the torrent both sides proved to know
 */
public record MseEstablished(MseEncryption encryption, byte[] infoHash) {
}
