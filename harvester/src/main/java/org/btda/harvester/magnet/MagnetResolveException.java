package org.btda.harvester.magnet;

/** No peer delivered verified metadata; the message lists why each peer failed. */
public class MagnetResolveException extends Exception {
    private static final long serialVersionUID = 1L;

    public MagnetResolveException(String message) {
        super(message);
    }
}
