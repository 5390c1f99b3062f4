package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.random.CounterRng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * HyperDistill's distilled point: a running, γ-weighted average z* of past optimiser states and a
 * subsampled union D* of past mini-batches. Adding a point with weight (1 − p) keeps p of the old:
 * z* ← p·z* + (1 − p)·z, D* ← subsample(D*, round(|D*|·p)) ∪ subsample(D \ D*, round(|D|·(1 − p))). The
 * optimiser's buffers (momentum, Adam's moments) are distilled like w.
 *
 * <p>D* is a set: the fresh examples are drawn from those of D not already kept (examples are equal when
 * their inputs, label and targets are), so when every D_t is the same full batch, D* = D. Each example of
 * D* is also named by its key (the step t whose batch D_t it came from, its row in D_t), so D* can travel
 * as keys and be redrawn from the task's batches, which are pure functions of the step
 * ({@link #restore}).
 *
 * @param state the distilled state z*
 * @param batch the distilled batch D*
 * @param steps per example of D*, the step it was drawn at
 * @param rows  per example of D*, its row in that step's batch
 */
public record Distillation(InnerState state, Batch batch, int[] steps, int[] rows) {

    /** The first point: z* = z, D* = D_t. */
    public static Distillation start(InnerState z, Batch d, int step) {
        int[] steps = new int[d.size()];
        Arrays.fill(steps, step);
        int[] rows = new int[d.size()];
        Arrays.setAll(rows, i -> i);
        return new Distillation(z, d, steps, rows);
    }

    /**
     * Adds (z, D_t) keeping the fraction p of the current distillation; draws are keyed by {@code key}.
     * The fresh examples are drawn among those of D_t that D* does not hold yet.
     */
    public Distillation add(double p, InnerState z, Batch d, int step, CounterRng key) {
        InnerState s = InnerState.mix(p, state, z);
        int[] kept = draw(batch.size(), (int) Math.round(batch.size() * p), key.child(1));
        Batch keptBatch = kept.length == batch.size() ? batch : batch.select(kept);
        int[] candidates = notIn(d, keptBatch);
        int[] pick = draw(candidates.length, (int) Math.round(d.size() * (1 - p)), key.child(2));
        int[] fresh = new int[pick.length];
        for (int i = 0; i < pick.length; i++) {
            fresh[i] = candidates[pick[i]];
        }
        Batch freshBatch = fresh.length == d.size() ? d : d.select(fresh);
        int n = kept.length + fresh.length;
        int[] ns = new int[n];
        int[] nr = new int[n];
        for (int i = 0; i < kept.length; i++) {
            ns[i] = steps[kept[i]];
            nr[i] = rows[kept[i]];
        }
        for (int i = 0; i < fresh.length; i++) {
            ns[kept.length + i] = step;
            nr[kept.length + i] = fresh[i];
        }
        return new Distillation(s, Batch.concat(keptBatch, freshBatch), ns, nr);
    }

    /**
     * The distillation with state z* whose batch D* has the given keys, redrawn from the task's batches:
     * the same examples in the same order as the distillation that had those keys.
     */
    public static Distillation restore(InnerState state, int[] steps, int[] rows, IntFunction<Batch> batches) {
        if (steps.length != rows.length || steps.length == 0) {
            throw new IllegalArgumentException("a distilled batch needs one step and one row per example, got "
                    + steps.length + " steps and " + rows.length + " rows");
        }
        Map<Integer, Batch> drawn = new HashMap<>();
        Batch d = null;
        // Runs of examples from one step are selected together: D* is the concatenation of its runs.
        int from = 0;
        for (int i = 1; i <= steps.length; i++) {
            if (i == steps.length || steps[i] != steps[from]) {
                Batch source = drawn.computeIfAbsent(steps[from], batches::apply);
                Batch run = source.select(Arrays.copyOfRange(rows, from, i));
                d = d == null ? run : Batch.concat(d, run);
                from = i;
            }
        }
        return new Distillation(state, d, steps.clone(), rows.clone());
    }

    /** This distillation with z*'s step counter set to {@code step} (what Adam's bias correction reads). */
    public Distillation atStep(int step) {
        return new Distillation(new InnerState(state.w, state.buffers, step), batch, steps, rows);
    }

    /** α·∂Φ(z*, λ; D*)/∂λ: the one JVP HyperDistill spends per step. */
    public double[] jvp(Bilevel problem, double[] lambda, double[] alpha) {
        double[] v = new double[lambda.length];
        problem.optimizer().vjp(state, lambda, batch, Bilevel.seed(state, alpha), problem.train(), v);
        return v;
    }

    /** k positions of n drawn without replacement (as {@link Batch#subsample}), all of them in order when k ≥ n. */
    private static int[] draw(int n, int k, CounterRng rng) {
        if (k >= n) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        return rng.sample(n, Math.max(0, k));
    }

    /** The rows of d whose example is not in {@code held}, in order. */
    private static int[] notIn(Batch d, Batch held) {
        Map<Integer, List<Integer>> byHash = new LinkedHashMap<>();
        for (int j = 0; j < held.size(); j++) {
            byHash.computeIfAbsent(hash(held, j), h -> new ArrayList<>()).add(j);
        }
        int[] out = new int[d.size()];
        int n = 0;
        for (int i = 0; i < d.size(); i++) {
            List<Integer> same = byHash.get(hash(d, i));
            boolean held1 = false;
            if (same != null) {
                for (int j : same) {
                    if (sameExample(d, i, held, j)) {
                        held1 = true;
                        break;
                    }
                }
            }
            if (!held1) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int hash(Batch b, int i) {
        int f = b.x().length / b.size();
        int h = 1;
        for (int k = i * f; k < (i + 1) * f; k++) {
            long bits = Double.doubleToLongBits(b.x()[k]);
            h = 31 * h + (int) (bits ^ (bits >>> 32));
        }
        return b.labels() == null ? h : 31 * h + b.labels()[i];
    }

    private static boolean sameExample(Batch a, int i, Batch b, int j) {
        int f = a.x().length / a.size();
        if (!Arrays.equals(a.x(), i * f, (i + 1) * f, b.x(), j * f, (j + 1) * f)) {
            return false;
        }
        if (a.labels() != null && a.labels()[i] != b.labels()[j]) {
            return false;
        }
        if (a.targets() != null) {
            int wa = a.targets().length / a.size();
            return Arrays.equals(a.targets(), i * wa, (i + 1) * wa, b.targets(), j * wa, (j + 1) * wa);
        }
        return true;
    }
}
