package org.btda.it.swarm;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One swarm per test run, shared by every test class that says {@code @ExtendWith(SwarmExtension.class)} (or uses
 * {@link #swarm()}): started on first use with {@link SwarmOptions#defaults()}, closed when the root JUnit context closes.
 * Tests can take a {@link Swarm} parameter. Work dir: system property btda.swarm.workdir (set by the pom) / run-TIMESTAMP.
 */
public final class SwarmExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SwarmExtension.class);
    private static Swarm shared;
    private static Exception failure; // a swarm that failed once is not retried by every later test class

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        get(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Swarm.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        try {
            return get(e);
        } catch (Exception ex) {
            throw new org.junit.jupiter.api.extension.ParameterResolutionException("swarm did not start", ex);
        }
    }

    /** The shared swarm, for code without an ExtensionContext (it is started by the extension first). */
    public static synchronized Swarm swarm() {
        if (shared == null) {
            throw new IllegalStateException("no swarm: annotate the test class with @ExtendWith(SwarmExtension.class)");
        }
        return shared;
    }

    private static synchronized Swarm get(ExtensionContext context) throws Exception {
        if (failure != null) {
            throw new IllegalStateException("swarm failed to start earlier in this run", failure);
        }
        if (shared == null) {
            String base = System.getProperty("btda.swarm.workdir", "target/swarm");
            Path dir = Path.of(base, "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
                    .toAbsolutePath();
            Swarm s;
            try {
                s = Swarm.start(dir, SwarmOptions.defaults());
            } catch (Exception e) {
                failure = e;
                throw e;
            }
            shared = s;
            context.getRoot().getStore(NS).put("swarm", (ExtensionContext.Store.CloseableResource) s::close);
        }
        return shared;
    }
}
