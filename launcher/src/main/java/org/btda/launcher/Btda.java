package org.btda.launcher;

import org.btda.common.config.SettingsException;
import org.btda.launcher.cli.LocalCommand;
import org.btda.launcher.cli.ReportCommand;
import org.btda.launcher.cli.ServiceCommand;
import org.btda.launcher.cli.SettingsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code btda} command. */
@Command(name = "btda", mixinStandardHelpOptions = true, version = "btda 0.1.0",
        description = "BitTorrent download analyzer.",
        subcommands = {LocalCommand.class, ServiceCommand.Harvester.class, ServiceCommand.Evaluator.class,
                ServiceCommand.StreamProcessor.class, ReportCommand.class, SettingsCommand.class, CommandLine.HelpCommand.class})
public final class Btda implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests parse with it without running anything. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Btda());
        // Bad settings are user errors: one line, exit code 2, no stack trace.
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof SettingsException) {
                cmd.getErr().println("btda: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
