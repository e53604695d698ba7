package org.btda.launcher.status;

/**
 * The figures of one status line, all cumulative since start. {@code null} = not known right now (the service is not
 * running in this process, or ClickHouse did not answer); shown as "?" rather than as a misleading zero.
 *
 * @param torrents           torrents monitored (registered minus unregistered by the harvester)
 * @param peersKnown         distinct peers in {@code btda.peers}
 * @param contacts           contacts completed by the evaluator (dialled or not)
 * @param observations       observations published by the evaluator
 * @param confirmedDownloads rows of {@code btda.confirmed_downloads} (FINAL)
 * @param rowsInserted       rows the ClickHouse sink inserted
 */
public record StatusFigures(Long torrents, Long peersKnown, Long contacts, Long observations, Long confirmedDownloads,
                            Long rowsInserted) {
    public static final StatusFigures UNKNOWN = new StatusFigures(null, null, null, null, null, null);
}
