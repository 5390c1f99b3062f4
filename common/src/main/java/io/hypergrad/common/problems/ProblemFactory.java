package io.hypergrad.common.problems;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;

/** Builds the configured {@link MetaProblem}. */
public final class ProblemFactory {
    private ProblemFactory() {}

    /** The problem a config names, with its parameters. */
    public static MetaProblem create(RunConfig c) {
        String name = c.get(RunConfig.PROBLEM);
        return switch (name) {
            case "sinusoid" -> {
                int[] hidden = new int[c.get(RunConfig.MODEL_DEPTH)];
                java.util.Arrays.fill(hidden, c.get(RunConfig.MODEL_WIDTH));
                int steps = c.get(RunConfig.INNER_STEPS);
                yield new Sinusoid(hidden, c.get(RunConfig.TASK_SHOTS), c.get(RunConfig.TASK_QUERIES),
                        steps == 0 ? 30 : steps, c.get(RunConfig.INNER_LR), c.get(RunConfig.INNER_MOMENTUM));
            }
            default -> throw new ConfigException("hypergrad.problem = " + name + ": this problem is not available in this build yet");
        };
    }
}
