package org.btda.it.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs in the ordinary (main-namespace) test run: the fixture must refuse to start there, before it adds an address,
 * writes a file or sends a packet, because the swarm's 198.18.x addresses would be routed off the machine.
 */
class NamespaceGuardTest {
    @Test
    void refusesToStartOutsideAnIsolatedNamespace(@TempDir Path tmp) throws Exception {
        Set<String> interfaces = NetworkInterface.networkInterfaces().map(NetworkInterface::getName).collect(Collectors.toSet());
        org.junit.jupiter.api.Assumptions.assumeFalse(interfaces.equals(Set.of("lo")), "this run is inside a namespace");
        Path work = tmp.resolve("swarm");
        assertThatThrownBy(() -> Swarm.start(work, SwarmOptions.defaults()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside an isolated network namespace");
        assertThat(Files.exists(work)).isFalse();
    }
}
