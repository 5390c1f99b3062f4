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

    /** An MLP classifier on flattened inputs: {@code depth} hidden ReLU layers of {@code width}, all inner. */
    static Model mlpClassifier(int in, int width, int depth, int classes) {
        int[] widths = new int[depth + 2];
        widths[0] = in;
        java.util.Arrays.fill(widths, 1, depth + 1, width);
        widths[depth + 1] = classes;
        Model.Builder b = Model.builder().add("flatten", io.hypergrad.common.nn.Pool.flatten());
        for (int i = 0; i + 1 < widths.length; i++) {
            b.add("fc" + (i + 1), new io.hypergrad.common.nn.Dense(widths[i], widths[i + 1]), io.hypergrad.common.nn.Role.INNER);
            if (i + 2 < widths.length) {
                b.add("relu" + (i + 1), io.hypergrad.common.nn.Activation.RELU);
            }
        }
        return b.build();
    }

    /**
     * The problem a config names, with its parameters: a built-in benchmark, {@code table} over the table
     * the driver prepared ({@code hypergrad.data.cache}), or {@code class:NAME}, a user's {@link MetaProblem}
     * loaded from the application class path.
     */
    public static MetaProblem create(RunConfig c) {
        String name = c.get(RunConfig.PROBLEM);
        if (name.startsWith("class:")) {
            return plugin(name.substring("class:".length()).trim(), c);
        }
        return switch (name) {
            case "table" -> {
                String cache = c.get(RunConfig.DATA_CACHE);
                if (cache.isEmpty()) {
                    throw new ConfigException("hypergrad.problem = table: the table has not been prepared (hypergrad.data.cache is empty); "
                            + "run it with hypergrad run, predict or the notebook API, which read hypergrad.data.* first");
                }
                yield new TableProblem(c, io.hypergrad.common.data.TableCache.get(cache));
            }
            case "sinusoid" -> {
                int[] hidden = new int[c.get(RunConfig.MODEL_DEPTH)];
                java.util.Arrays.fill(hidden, c.get(RunConfig.MODEL_WIDTH));
                int steps = c.get(RunConfig.INNER_STEPS);
                yield new Sinusoid(hidden, c.get(RunConfig.TASK_SHOTS), c.get(RunConfig.TASK_QUERIES),
                        steps == 0 ? 30 : steps, c.get(RunConfig.INNER_LR), c.get(RunConfig.INNER_MOMENTUM));
            }
            case "anil-quickdraw", "warpgrad-quickdraw" -> {
                Dataset d = Datasets.load(Datasets.dataDir(c.get(RunConfig.DATA_DIR)), "quickdraw");
                if (d.classes() < 345) {
                    throw new io.hypergrad.common.data.DatasetException(d.name() + ": " + d.classes() + " classes (.ndjson.gz files); "
                            + name + " splits QuickDraw's 345 classes into 245 meta-train, 50 meta-validation and 50 meta-test "
                            + "(fetch the datasets with: deploy/bin/hypergrad fetch-data)");
                }
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
            case "mwn-fashion" -> {
                String dir = Datasets.dataDir(c.get(RunConfig.DATA_DIR));
                Dataset tr = Datasets.load(dir, "fashion-mnist-train");
                Dataset te = Datasets.load(dir, "fashion-mnist-test");
                int[] all = java.util.stream.IntStream.range(0, tr.classes()).toArray();
                ClassSplit every = new ClassSplit(all, all, all);
                int ways = Math.min(c.get(RunConfig.TASK_WAYS), tr.classes());
                int shots = c.get(RunConfig.TASK_SHOTS);
                int queries = c.get(RunConfig.TASK_QUERIES);
                int batch = c.get(RunConfig.INNER_BATCH);
                double p = c.get(RunConfig.TASK_CORRUPTION);
                Model classifier = mlpClassifier(784, c.get(RunConfig.MODEL_WIDTH), c.get(RunConfig.MODEL_DEPTH), ways);
                int steps = c.get(RunConfig.INNER_STEPS);
                yield new MetaWeightNet(classifier, 100, new ClassificationTasks(tr, every, ways, shots, queries, batch, p),
                        new ClassificationTasks(te, every, ways, shots, queries, batch, p),
                        c.get(RunConfig.INNER_LR), c.get(RunConfig.INNER_MOMENTUM), steps == 0 ? 100 : steps);
            }
            case "opt-hpo-fashion" -> {
                String dir = Datasets.dataDir(c.get(RunConfig.DATA_DIR));
                int steps = c.get(RunConfig.INNER_STEPS);
                yield new OptimizerHpo(mlpClassifier(784, c.get(RunConfig.MODEL_WIDTH), c.get(RunConfig.MODEL_DEPTH), 10),
                        Datasets.load(dir, "fashion-mnist-train"), Datasets.load(dir, "fashion-mnist-test"), 10_000,
                        c.get(RunConfig.INNER_BATCH), c.get(RunConfig.INNER_LR), c.get(RunConfig.INNER_WEIGHT_DECAY),
                        c.get(RunConfig.INNER_MOMENTUM), steps == 0 ? 2000 : steps);
            }
            default -> throw new ConfigException("hypergrad.problem = " + name + ": this problem is not available in this build yet");
        };
    }

    /**
     * A plugin problem: a public class implementing {@link MetaProblem} with a public constructor taking the
     * {@link RunConfig} (or none), found through the thread's context class loader — which on an executor
     * holds the jars of {@code spark.jars} / {@code --jars}.
     */
    static MetaProblem plugin(String className, RunConfig c) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Class<?> cls;
        try {
            cls = Class.forName(className, true, loader != null ? loader : ProblemFactory.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException("hypergrad.problem = class:" + className + ": no such class on the application class path "
                    + "(add its jar with spark-submit --jars, spark.jars, or HYPERGRAD_CLASSPATH for the launcher)");
        }
        if (!MetaProblem.class.isAssignableFrom(cls)) {
            throw new ConfigException("hypergrad.problem = class:" + className + ": the class does not implement "
                    + MetaProblem.class.getName());
        }
        try {
            try {
                return (MetaProblem) cls.getConstructor(RunConfig.class).newInstance(c);
            } catch (NoSuchMethodException e) {
                return (MetaProblem) cls.getConstructor().newInstance();
            }
        } catch (NoSuchMethodException e) {
            throw new ConfigException("hypergrad.problem = class:" + className + ": needs a public constructor taking a RunConfig, or none");
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new ConfigException("hypergrad.problem = class:" + className + ": its constructor failed: " + cause);
        } catch (ReflectiveOperationException e) {
            throw new ConfigException("hypergrad.problem = class:" + className + ": cannot be created: " + e);
        }
    }
}
