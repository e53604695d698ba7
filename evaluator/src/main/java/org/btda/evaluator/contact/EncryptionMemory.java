package org.btda.evaluator.contact;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the evaluator has learned about peers' encryption: the endpoints whose last contact that got a handshake was
 * encrypted, or that another peer's PEX flags (0x01, "prefers encryption") name; everyone else is contacted in
 * plaintext first. A bounded LRU: memory is at most
 * {@code capacity} small entries, and a forgotten peer just starts from the default again. Thread-safe (contacts
 * finish on several event loops).
 */
final class EncryptionMemory {
    private final Map<InetSocketAddress, Entry> entries;

    /** @param confirmed proven by a contact (a PEX hint is not) */
    private record Entry(boolean encrypted, boolean confirmed) {
    }

    EncryptionMemory(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** true: try encrypted first; false: plaintext; null: nothing known. */
    synchronized Boolean encrypted(InetSocketAddress peer) {
        Entry e = entries.get(peer);
        return e == null ? null : e.encrypted;
    }

    /**
     * A contact that got the peer's handshake: the mode that worked is what to use next time. Plaintext is the
     * default, so a plaintext success only removes what was there: the memory holds encrypting peers only (a few per
     * cent of a swarm), not every peer contacted.
     */
    synchronized void worked(InetSocketAddress peer, boolean encrypted) {
        if (encrypted) entries.put(peer, new Entry(true, true));
        else entries.remove(peer);
    }

    /** A PEX hint never overrides an encrypted contact's proof; a plaintext success clears it. */
    synchronized void prefersEncryption(InetSocketAddress peer) {
        Entry e = entries.get(peer);
        if (e == null || !e.confirmed) entries.put(peer, new Entry(true, false));
    }

    synchronized int size() {
        return entries.size();
    }
}
