package io.hypergrad.driver.cli;

import io.hypergrad.common.config.RunConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code config --describe} lists every key; {@code config FILE} prints the resolved config. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Describe the config keys, or validate and resolve a config file.")
class ConfigCommand implements Callable<Integer> {
    @Option(names = "--describe", description = "print every key with its type, default, allowed values and meaning")
    boolean describe;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "a config file to validate and print resolved")
    String file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a key (repeatable)")
    java.util.List<String> sets = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        if (describe || file == null) {
            System.out.print(RunConfig.describe());
            return ExitCode.OK;
        }
        RunCommand r = new RunCommand();
        r.config = file;
        r.sets = sets;
        System.out.print(r.resolve().resolvedHocon());
        return ExitCode.OK;
    }
}
