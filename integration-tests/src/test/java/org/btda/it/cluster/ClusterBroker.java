package org.btda.it.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

/**
 * One Kafka node (combined broker + controller, KRaft) as its own OS process, so that a test can SIGKILL it like a
 * crashed machine: {@code java -cp ... org.btda.it.cluster.ClusterBroker FILE.properties CLUSTER_ID}. Formats its log
 * directory on first start (with {@code StorageTool.execute}, which returns instead of exiting the JVM), prints
 * {@code STARTED <node.id>} once the server is up, and runs until killed; SIGTERM shuts it down cleanly.
 */
public final class ClusterBroker {
    private ClusterBroker() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ClusterBroker FILE.properties CLUSTER_ID");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        }
        Path logDir = Path.of(props.getProperty("log.dirs"));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(file, args[1]);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "broker-shutdown"));
        server.startup();
        System.out.println("STARTED " + props.getProperty("node.id"));
        System.out.flush();
        server.awaitShutdown();
    }

    private static void format(Path config, String clusterId) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "--config", config.toString(), "--cluster-id", clusterId,
                    "--ignore-formatted"}, ps);
        }
        String output = buffer.toString(StandardCharsets.UTF_8).trim();
        if (rc != 0) {
            throw new IllegalStateException("formatting failed (" + rc + "): " + output);
        }
        System.out.println("formatted: " + output);
    }
}
