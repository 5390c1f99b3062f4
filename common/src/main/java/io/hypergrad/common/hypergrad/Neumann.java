package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * {@code neumann(N, K)}: the implicit-function hypergradient g^FO + α(I − A)⁻¹B with the inverse
 * replaced by N + 1 terms of its Neumann series, Σ_{i=0}^{N} α·Aⁱ·B, evaluated at each of the last K
 * steps (A_t, B_t at (z_{t−1}, D_t)) and averaged over them. Each term is one optimiser VJP, which
 * yields v·A and v·B together: (N + 1)·K JVPs. Memory: the last K (z_{t−1}, D_t).
 */
public final class Neumann extends AbstractEstimator {
    private final int terms;
    private final int window;
    private final Deque<InnerState> states = new ArrayDeque<>();
    private final Deque<Batch> batches = new ArrayDeque<>();

    public Neumann(int terms, int window) {
        if (terms < 0 || window < 1) {
            throw new IllegalArgumentException("neumann needs N ≥ 0 and K ≥ 1, got " + terms + ", " + window);
        }
        this.terms = terms;
        this.window = window;
    }

    @Override
    public String name() {
        return "neumann(" + terms + ", " + window + ")";
    }

    @Override
    public void begin(Bilevel problem, double[] lambda, InnerState z0) {
        super.begin(problem, lambda, z0);
        states.clear();
        batches.clear();
    }

    @Override
    public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
        requireBegun();
        states.addLast(zPrev);
        batches.addLast(batch);
        if (states.size() > window) {
            states.removeFirst();
            batches.removeFirst();
        }
        last = z;
        return null;
    }

    @Override
    public double[] estimate() {
        requireBegun();
        Bilevel.ValGradient vg = problem.valGradient(last.w, lambda);
        double[] so = new double[lambda.length];
        var zs = states.iterator();
        var bs = batches.iterator();
        while (zs.hasNext()) {
            InnerState z = zs.next();
            Batch b = bs.next();
            InnerState v = Bilevel.seed(z, vg.alpha());
            for (int i = 0; i <= terms; i++) {
                v = problem.optimizer().vjp(z, lambda, b, v, problem.train(), so);
            }
        }
        double[] h = vg.fo().clone();
        for (int i = 0; i < h.length; i++) {
            h[i] += so[i] / states.size();
        }
        return h;
    }

    @Override
    public boolean online() {
        return false;
    }

    @Override
    public String approximation() {
        return "assumes z_T is a fixed point of the update (implicit function theorem); (I − A)⁻¹ truncated to "
                + (terms + 1) + " Neumann terms, averaged over the last " + window + " steps";
    }
}
