package org.btda.evaluator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.btda.common.config.Settings;
import org.btda.evaluator.EvaluatorService;
import org.btda.evaluator.EvaluatorServiceConfig;
import org.btda.evaluator.EvaluatorStats;

/**
 * The evaluator service alone, as the Kafka-in-the-loop benchmark runs it: consumes {@code <prefix>contacts}, publishes
 * observations, prints its counters every 5 s, and closes after a bounded time.
 *
 * <p>Usage: {@code EvaluatorProcess <bootstrap servers> <topic prefix> <seconds> <max sessions>}
 */
public final class EvaluatorProcess {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String prefix = args[1];
        int seconds = Integer.parseInt(args[2]);
        int maxSessions = Integer.parseInt(args[3]);
        Path secret = Files.createTempDirectory("btda-bench-secret").resolve("secret");
        Settings settings = Settings.defaults()
                .with("kafka.bootstrap-servers", bootstrap)
                .with("kafka.topic-prefix", prefix)
                .with("security.secret-file", secret.toString())
                .with("evaluator.max-sessions", String.valueOf(maxSessions))
                .with("listen.enabled", "false"); // the benchmark measures dialled contacts
        EvaluatorService svc = new EvaluatorService(EvaluatorServiceConfig.from(settings));
        svc.start();
        EvaluatorStats s = svc.stats();
        long start = System.nanoTime();
        long lastPub = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
            Thread.sleep(5000);
            long pub = s.observationsPublished();
            System.out.printf("evaluator t=%3ds in-flight=%5d completed=%7d published=%7d (+%.0f/s) paused=%d heap=%d MB%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), s.inFlight(), s.completed(), pub,
                    (pub - lastPub) / 5.0, s.pausedTimes(), EngineBench.usedHeapMb());
            lastPub = pub;
        }
        System.out.println("evaluator final: " + s);
        System.out.printf("evaluator peak heap used: %d MB; peak RSS %s; cpu %d s%n", EngineBench.peakHeapMb(), EngineBench.vmHwm(),
                EngineBench.cpuSeconds());
        svc.close();
    }
}
