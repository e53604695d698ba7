package org.btda.harvester.tracker;

/** The {@code event} of an announce (BEP 3 names; BEP 15 numbers). */
public enum AnnounceEvent {
    NONE(0, null), COMPLETED(1, "completed"), STARTED(2, "started"), STOPPED(3, "stopped");

    private final int udpCode;
    private final String httpName;

    AnnounceEvent(int udpCode, String httpName) {
        this.udpCode = udpCode;
        this.httpName = httpName;
    }

    public int udpCode() {
        return udpCode;
    }

    /** The HTTP parameter value, or null when the parameter is omitted. */
    public String httpName() {
        return httpName;
    }
}
