package io.hypergrad.common.problems;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.data.ClassSplit;
import io.hypergrad.common.data.Dataset;
import io.hypergrad.common.data.Datasets;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Networks;

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
            case "anil-quickdraw", "warpgrad-quickdraw" -> {
                Dataset d = Datasets.load(Datasets.dataDir(c.get(RunConfig.DATA_DIR)), "quickdraw");
                ClassSplit split = ClassSplit.of(d.classes(), 245, 50, 50, c.get(RunConfig.SEED));
                int ways = c.get(RunConfig.TASK_WAYS);
                int channels = c.get(RunConfig.MODEL_WIDTH);
                Model model = name.equals("anil-quickdraw") ? Networks.conv4(1, 28, channels, ways, 3)
                        : Networks.warpNet(1, 28, channels, ways, 3);
                ClassificationTasks tasks = new ClassificationTasks(d, split, ways, c.get(RunConfig.TASK_SHOTS),
                        c.get(RunConfig.TASK_QUERIES), c.get(RunConfig.INNER_BATCH), 0.0);
                int steps = c.get(RunConfig.INNER_STEPS);
                yield new ClassificationProblem(name, model, tasks, () -> Sgd.constant(model.layout(), c.get(RunConfig.INNER_LR),
                        c.get(RunConfig.INNER_MOMENTUM), 0.0), steps == 0 ? 100 : steps);
            }
            default -> throw new ConfigException("hypergrad.problem = " + name + ": this problem is not available in this build yet");
        };
    }
}
