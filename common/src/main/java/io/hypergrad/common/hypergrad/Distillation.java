package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.random.CounterRng;

/**
 * HyperDistill's distilled point: a running, γ-weighted average z* of past optimiser states and a
 * subsampled union D* of past mini-batches. Adding a point with weight (1 − p) keeps p of the old:
 * z* ← p·z* + (1 − p)·z, D* ← subsample(D*, round(|D*|·p)) ∪ subsample(D, round(|D|·(1 − p))). The
 * optimiser's buffers (momentum, Adam's moments) are distilled like w.
 *
 * @param state the distilled state z*
 * @param batch the distilled batch D*
 */
public record Distillation(InnerState state, Batch batch) {

    /** The first point: z* = z, D* = D. */
    public static Distillation start(InnerState z, Batch d) {
        return new Distillation(z, d);
    }

    /** Adds (z, D) keeping the fraction p of the current distillation; draws are keyed by {@code key}. */
    public Distillation add(double p, InnerState z, Batch d, CounterRng key) {
        InnerState s = InnerState.mix(p, state, z);
        Batch kept = batch.subsample((int) Math.round(batch.size() * p), key.child(1));
        Batch fresh = d.subsample((int) Math.round(d.size() * (1 - p)), key.child(2));
        return new Distillation(s, Batch.concat(kept, fresh));
    }

    /** α·∂Φ(z*, λ; D*)/∂λ: the one JVP HyperDistill spends per step. */
    public double[] jvp(Bilevel problem, double[] lambda, double[] alpha) {
        double[] v = new double[lambda.length];
        problem.optimizer().vjp(state, lambda, batch, Bilevel.seed(state, alpha), problem.train(), v);
        return v;
    }
}
