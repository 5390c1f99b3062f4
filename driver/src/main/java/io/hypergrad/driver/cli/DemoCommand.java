package io.hypergrad.driver.cli;

import java.io.File;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code demo}: {@code run conf/demo.conf} — the embedded default job on real data. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The embedded default: ANIL on QuickDraw with an online hypergradient estimator (run conf/demo.conf).")
class DemoCommand implements Callable<Integer> {
    @Mixin
    DemoOptions options;

    @Override
    public Integer call() {
        RunCommand run = new RunCommand();
        String home = System.getProperty("hypergrad.home", ".");
        run.config = new File(home, "conf/demo.conf").getPath();
        run.master = options.master;
        run.out = options.out;
        run.rounds = options.rounds;
        run.sets = options.sets;
        run.resume = options.resume;
        return run.call();
    }

    /** The options {@code demo} shares with {@code run}. */
    static final class DemoOptions {
        @picocli.CommandLine.Option(names = "--master", description = "Spark master; default local[*]")
        String master;
        @picocli.CommandLine.Option(names = "--out", description = "run folder; default runs/<problem>-<time>")
        String out;
        @picocli.CommandLine.Option(names = "--rounds", description = "override hypergrad.rounds")
        Integer rounds;
        @picocli.CommandLine.Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (repeatable)")
        java.util.List<String> sets = new java.util.ArrayList<>();
        @picocli.CommandLine.Option(names = "--resume", description = "continue from the newest valid checkpoint")
        boolean resume;
        @picocli.CommandLine.Option(names = "--debug", description = "print stack traces of errors")
        boolean debug;
    }
}
