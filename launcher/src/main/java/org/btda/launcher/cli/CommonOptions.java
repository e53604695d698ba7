package org.btda.launcher.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.btda.common.config.Settings;
import org.btda.launcher.Logging;
import picocli.CommandLine.Option;

/** Options every command takes: a properties file, {@code --set} overrides and {@code --debug}. */
public final class CommonOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "settings file (Java properties)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override one setting (repeatable); see `btda settings` for the keys")
    List<String> sets = new ArrayList<>();

    @Option(names = "--debug", description = "debug logging for btda's own classes")
    boolean debug;

    public Path config() {
        return config;
    }

    public List<String> sets() {
        return List.copyOf(sets);
    }

    public boolean debug() {
        return debug;
    }

    /**
     * Builds the effective settings. Precedence, highest first: the command's named flags ({@code flags}, applied after
     * {@code --set} so e.g. {@code --active 10} beats {@code --set evaluator.max-sessions=5}), {@code --set}, the
     * environment, the {@code --config} file, defaults.
     */
    public Settings settings(Map<String, String> env, Map<String, String> flags) {
        Logging.debug(debug);
        Settings.Builder b = Settings.builder().file(config).env(env).set(sets);
        flags.forEach(b::set);
        return resolveDataDirs(b.build(), env);
    }

    /**
     * scripts/setup.sh installs the GeoLite2 databases under the checkout, so the default (relative) geoip.dir is read
     * from BTDA_HOME rather than from wherever btda happens to be started; a value the user gave is left as given.
     */
    static Settings resolveDataDirs(Settings s, Map<String, String> env) {
        String home = env.get("BTDA_HOME");
        Path dir = s.get(Settings.GEOIP_DIR);
        if (s.source(Settings.GEOIP_DIR) == Settings.Source.DEFAULT && home != null && !home.isBlank() && !dir.isAbsolute()) {
            return s.with(Settings.GEOIP_DIR.key(), Path.of(home).resolve(dir).toString());
        }
        return s;
    }
}
