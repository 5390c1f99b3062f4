package io.hypergrad.common.problems;

import io.hypergrad.common.data.ClassSplit;
import io.hypergrad.common.data.Dataset;
import io.hypergrad.common.data.TaskSampler;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.random.CounterRng;

/**
 * Classification tasks from a labelled dataset, HyperDistill's protocol: a task has {@code ways} classes
 * from the split's class pool, {@code shots} training and {@code queries} validation examples per class,
 * training labels optionally corrupted; the inner step t trains on a mini-batch of {@code batchSize}
 * training examples drawn by a counter keyed by the task and t (the whole training set when it is no
 * larger). Shared by every problem built on a classification dataset.
 */
public final class ClassificationTasks {
    private final Dataset data;
    private final TaskSampler sampler;
    private final ClassSplit split;
    private final int ways;
    private final int shots;
    private final int queries;
    private final int batchSize;
    private final double corruption;

    /**
     * @param classSplitSeed seeds the meta-train/val/test class split (fixed for a run)
     */
    public ClassificationTasks(Dataset data, ClassSplit split, int ways, int shots, int queries, int batchSize, double corruption) {
        this.data = data;
        this.sampler = new TaskSampler(data);
        this.split = split;
        this.ways = ways;
        this.shots = shots;
        this.queries = queries;
        this.batchSize = batchSize;
        this.corruption = corruption;
        // Checked now, on the driver, rather than when an executor first draws a task.
        int[][] byClass = data.indicesByClass();
        for (Split s : Split.values()) {
            int[] pool = pool(s);
            if (ways > pool.length) {
                throw new io.hypergrad.common.config.ConfigException("hypergrad.task.ways = " + ways + ": the " + s.name().toLowerCase()
                        .replace('_', '-') + " classes of " + data.name() + " are only " + pool.length);
            }
        }
        for (Split s : Split.values()) {
            for (int c : pool(s)) {
                if (byClass[c].length < shots + queries) {
                    throw new io.hypergrad.common.data.DatasetException(data.name() + ": class '" + data.classNames().get(c) + "' has "
                            + byClass[c].length + " examples; a task draws hypergrad.task.shots + hypergrad.task.queries = "
                            + (shots + queries) + " per class");
                }
            }
        }
    }

    /** The classes a split draws from. */
    public int[] pool(Split s) {
        return switch (s) {
            case META_TRAIN -> split.train();
            case META_VAL -> split.val().length >= ways ? split.val() : split.train();
            case META_TEST -> split.test().length >= ways ? split.test() : split.val();
        };
    }

    /** Task {@code index} of a split and round. */
    public Task task(long seed, Split s, int round, int index) {
        TaskSampler.Sampled t = sampler.sample(pool(s), ways, shots, queries, corruption, seed, s.key(), round, index);
        Batch train = batch(t.trainIndex(), t.trainLabel());
        Batch val = batch(t.valIndex(), t.valLabel());
        int n = train.size();
        long[] key = {seed, s.key(), round, index, 0xBA7C4};
        return new Task() {
            @Override
            public Batch trainBatch(int step) {
                if (batchSize >= n) {
                    return train;
                }
                long[] k = key.clone();
                k[4] += step;
                return train.select(CounterRng.of(k).sample(n, batchSize));
            }

            @Override
            public Batch valBatch() {
                return val;
            }
        };
    }

    private Batch batch(int[] idx, int[] labels) {
        int f = data.featureSize();
        double[] x = new double[idx.length * f];
        for (int i = 0; i < idx.length; i++) {
            data.copyExample(idx[i], x, i * f);
        }
        return new Batch(x, data.featureShape(), labels.clone(), null);
    }

    public int ways() {
        return ways;
    }

    public Dataset data() {
        return data;
    }
}
