package org.btda.launcher.status;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import org.btda.evaluator.EvaluatorService;
import org.btda.evaluator.EvaluatorStats;
import org.btda.harvester.HarvesterService;
import org.btda.harvester.HarvesterStats;
import org.btda.launcher.Service;
import org.btda.sink.ClickHouseSink;
import org.btda.sink.ClickHouseSinkService;

/**
 * Collects {@link StatusFigures} from the services' own counters (evaluator stats, harvester stats, sink counters) and
 * the ClickHouse counts. Services are looked up at every call, so ones started later (or missing) are handled.
 */
public final class StatusCounters implements Supplier<StatusFigures> {
    private final Supplier<List<Service>> services;
    private final Supplier<ClickHouseCounts.Counts> clickhouse;

    /**
     * @param services   the running services (read at every call)
     * @param clickhouse the ClickHouse counts; null when there is no ClickHouse
     */
    public StatusCounters(Supplier<List<Service>> services, ClickHouseCounts clickhouse) {
        this(services, clickhouse == null ? () -> ClickHouseCounts.Counts.UNKNOWN : clickhouse::read);
    }

    StatusCounters(Supplier<List<Service>> services, Supplier<ClickHouseCounts.Counts> clickhouse) {
        this.services = services;
        this.clickhouse = clickhouse;
    }

    @Override
    public StatusFigures get() {
        List<Service> all = services.get();
        Long torrents = sum(all, HarvesterService.class, h -> torrents(h.stats()));
        Long contacts = sum(all, EvaluatorService.class, e -> e.stats().completed());
        Long observations = sum(all, EvaluatorService.class, e -> observations(e.stats()));
        Long rows = sum(all, ClickHouseSinkService.class, s -> rows(s.sink()));
        ClickHouseCounts.Counts ch = clickhouse.get();
        return new StatusFigures(torrents, ch.peersKnown(), contacts, observations, ch.confirmedDownloads(), rows);
    }

    static Long torrents(HarvesterStats stats) {
        return stats.torrentsRegistered.get() - stats.torrentsUnregistered.get();
    }

    static Long observations(EvaluatorStats stats) {
        return stats.observationsPublished();
    }

    private static Long rows(ClickHouseSink sink) {
        return sink == null ? 0L : sink.rowsInserted();
    }

    /** Sum over every service of this type; null when there is none (the figure is unknown, not zero). */
    private static <T> Long sum(List<Service> all, Class<T> type, Function<T, Long> value) {
        Long total = null;
        for (Service s : all) {
            Optional<T> t = s.unwrap(type);
            if (t.isPresent()) {
                Long v = value.apply(t.get());
                if (v != null) {
                    total = (total == null ? 0 : total) + v;
                }
            }
        }
        return total;
    }
}
