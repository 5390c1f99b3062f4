package io.hypergrad.common.data;

import io.hypergrad.common.random.CounterRng;

/**
 * Draws classification tasks from a class pool, as pure functions of their key (seed, split, round,
 * task): the same key gives the same task on any thread or machine.
 *
 * <p>A task has {@code ways} distinct classes (relabelled 0..ways−1 in draw order); from each class it
 * takes {@code shots} training and {@code queries} validation examples, disjoint (HyperDistill's
 * protocol is half and half of a class's images; N-way K-shot episodes are shots = K). Training labels
 * may be corrupted: with probability p a label is replaced by one of the other ways−1 classes,
 * uniformly — so the corrupted fraction is p exactly in expectation, never a "corruption" to the same
 * class; validation labels stay clean.
 */
public final class TaskSampler {
    private final Dataset data;
    private final int[][] byClass;

    public TaskSampler(Dataset data) {
        if (data.labels() == null) {
            throw new IllegalArgumentException(data.name() + " has no labels to draw classification tasks from");
        }
        this.data = data;
        this.byClass = data.indicesByClass();
    }

    /**
     * Indices and labels of one task.
     *
     * @param trainIndex dataset indices of the training examples
     * @param trainLabel their task labels (possibly corrupted)
     * @param valIndex   dataset indices of the validation examples
     * @param valLabel   their task labels (clean)
     * @param corrupted  how many training labels were corrupted
     */
    public record Sampled(int[] trainIndex, int[] trainLabel, int[] valIndex, int[] valLabel, int corrupted) {}

    /** Draws a task from {@code pool} (class ids) keyed by {@code key}. */
    public Sampled sample(int[] pool, int ways, int shots, int queries, double corruption, long... key) {
        if (ways > pool.length) {
            throw new IllegalArgumentException("a " + ways + "-way task needs " + ways + " classes; the pool has " + pool.length);
        }
        CounterRng rng = CounterRng.of(key);
        int[] chosen = rng.sample(pool.length, ways);
        int[] trI = new int[ways * shots];
        int[] trL = new int[ways * shots];
        int[] vaI = new int[ways * queries];
        int[] vaL = new int[ways * queries];
        for (int w = 0; w < ways; w++) {
            int[] members = byClass[pool[chosen[w]]];
            if (shots + queries > members.length) {
                throw new IllegalArgumentException("class " + data.classNames().get(pool[chosen[w]]) + " has " + members.length
                        + " examples; a task needs " + (shots + queries));
            }
            int[] pick = rng.sample(members.length, shots + queries);
            for (int s = 0; s < shots; s++) {
                trI[w * shots + s] = members[pick[s]];
                trL[w * shots + s] = w;
            }
            for (int q = 0; q < queries; q++) {
                vaI[w * queries + q] = members[pick[shots + q]];
                vaL[w * queries + q] = w;
            }
        }
        int corrupted = 0;
        if (corruption > 0) {
            CounterRng noise = rng.child(0x401CE);
            for (int i = 0; i < trL.length; i++) {
                if (noise.nextDouble() < corruption) {
                    int other = noise.nextInt(ways - 1);
                    trL[i] = other >= trL[i] ? other + 1 : other;
                    corrupted++;
                }
            }
        }
        return new Sampled(trI, trL, vaI, vaL, corrupted);
    }

    public Dataset data() {
        return data;
    }
}
