package org.btda.launcher.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.btda.common.config.SettingsDoc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code btda settings}: the README table of every setting (key, env var, unit, default, description). */
@Command(name = "settings", mixinStandardHelpOptions = true, description = "Print every setting as a Markdown table.")
public final class SettingsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(SettingsDoc.markdown());
        out.flush();
        return 0;
    }
}
