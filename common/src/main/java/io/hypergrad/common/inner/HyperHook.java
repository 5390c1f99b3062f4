package io.hypergrad.common.inner;

import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import java.util.List;

/**
 * An optimiser hyperparameter (learning rate, weight decay, momentum) that is either a constant or
 * part of λ — one scalar, one per layer, or one per parameter — through a positive or (0, 1) map:
 * value = exp(λ) ("log learning rate") or sigmoid(λ) ("logit momentum").
 */
public final class HyperHook {
    /** How many λ entries the hook owns. */
    public enum Scope {
        /** Not a hyperparameter: a fixed value. */
        CONSTANT,
        /** One λ entry for all parameters. */
        GLOBAL,
        /** One λ entry per inner layer. */
        PER_LAYER,
        /** One λ entry per inner parameter. */
        PER_PARAMETER
    }

    /** The map from λ to the value. */
    public enum Transform {
        EXP, SIGMOID;

        double apply(double x) {
            return this == EXP ? Math.exp(x) : 1.0 / (1.0 + Math.exp(-x));
        }

        double inverse(double v) {
            return this == EXP ? Math.log(v) : Math.log(v / (1.0 - v));
        }

        /** d value / d λ, written in terms of the value. */
        double slope(double value) {
            return this == EXP ? value : value * (1.0 - value);
        }
    }

    private final String name;
    private final Scope scope;
    private final Transform transform;
    private final double initial;

    /**
     * @param name      e.g. "logLearningRate"
     * @param scope     how many λ entries
     * @param transform how λ maps to the value
     * @param initial   the constant value, or the initial value of each λ-controlled one
     */
    public HyperHook(String name, Scope scope, Transform transform, double initial) {
        this.name = name;
        this.scope = scope;
        this.transform = transform;
        this.initial = initial;
        if (scope != Scope.CONSTANT && !Double.isFinite(transform.inverse(initial))) {
            throw new IllegalArgumentException(name + ": initial value " + initial + " is outside the range of " + transform);
        }
    }

    /** A fixed value. */
    public static HyperHook constant(String name, double value) {
        return new HyperHook(name, Scope.CONSTANT, Transform.EXP, value);
    }

    public String name() {
        return name;
    }

    public Scope scope() {
        return scope;
    }

    /** Number of λ entries over the given layout. */
    public int size(ParamLayout layout) {
        return switch (scope) {
            case CONSTANT -> 0;
            case GLOBAL -> 1;
            case PER_LAYER -> layout.groups(Role.INNER).size();
            case PER_PARAMETER -> layout.size(Role.INNER);
        };
    }

    /** Initial λ entries. */
    public void initialise(ParamLayout layout, double[] lambda, int off) {
        double x = scope == Scope.CONSTANT ? 0 : transform.inverse(initial);
        java.util.Arrays.fill(lambda, off, off + size(layout), x);
    }

    /** Whether the value is the same constant for every parameter (no λ involved). */
    public boolean isConstant() {
        return scope == Scope.CONSTANT;
    }

    /** The constant value (for {@link Scope#CONSTANT}). */
    public double constantValue() {
        return initial;
    }

    /** The per-parameter values, written into {@code out} (length P). */
    public void expand(ParamLayout layout, double[] lambda, int off, double[] out) {
        switch (scope) {
            case CONSTANT -> java.util.Arrays.fill(out, initial);
            case GLOBAL -> java.util.Arrays.fill(out, transform.apply(lambda[off]));
            case PER_LAYER -> {
                List<ParamLayout.Group> gs = layout.groups(Role.INNER);
                for (int k = 0; k < gs.size(); k++) {
                    java.util.Arrays.fill(out, gs.get(k).start(), gs.get(k).end(), transform.apply(lambda[off + k]));
                }
            }
            case PER_PARAMETER -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = transform.apply(lambda[off + i]);
                }
            }
        }
    }

    /**
     * The per-parameter tangent of the values along λ̇: slope(value)·λ̇ of the entry each parameter uses
     * ({@code values} as written by {@link #expand}); zeros for a constant.
     */
    public void expandTangent(ParamLayout layout, double[] lambdaTangent, int off, double[] values, double[] out) {
        if (scope == Scope.CONSTANT) {
            java.util.Arrays.fill(out, 0.0);
            return;
        }
        double[] raw = new double[out.length];
        // Expanding λ̇ under the identity gives each parameter its entry's tangent.
        new HyperHook(name, scope, Transform.EXP, 1.0).expandIdentity(layout, lambdaTangent, off, raw);
        for (int i = 0; i < out.length; i++) {
            out[i] = transform.slope(values[i]) * raw[i];
        }
    }

    private void expandIdentity(ParamLayout layout, double[] lambda, int off, double[] out) {
        switch (scope) {
            case CONSTANT -> java.util.Arrays.fill(out, 0.0);
            case GLOBAL -> java.util.Arrays.fill(out, lambda[off]);
            case PER_LAYER -> {
                List<ParamLayout.Group> gs = layout.groups(Role.INNER);
                for (int k = 0; k < gs.size(); k++) {
                    java.util.Arrays.fill(out, gs.get(k).start(), gs.get(k).end(), lambda[off + k]);
                }
            }
            case PER_PARAMETER -> System.arraycopy(lambda, off, out, 0, out.length);
        }
    }

    /**
     * Adds to {@code lambdaAdj} the adjoint of this hook's λ entries, given the adjoint of each
     * per-parameter value ({@code valueAdj}) and the values themselves.
     */
    public void accumulate(ParamLayout layout, double[] valueAdj, double[] values, double[] lambdaAdj, int off) {
        switch (scope) {
            case CONSTANT -> { }
            case GLOBAL -> {
                double s = 0;
                for (int i = 0; i < valueAdj.length; i++) {
                    s += valueAdj[i];
                }
                lambdaAdj[off] += s * transform.slope(values.length == 0 ? transform.apply(0) : values[0]);
            }
            case PER_LAYER -> {
                List<ParamLayout.Group> gs = layout.groups(Role.INNER);
                for (int k = 0; k < gs.size(); k++) {
                    double s = 0;
                    for (int i = gs.get(k).start(); i < gs.get(k).end(); i++) {
                        s += valueAdj[i];
                    }
                    lambdaAdj[off + k] += s * transform.slope(values[gs.get(k).start()]);
                }
            }
            case PER_PARAMETER -> {
                for (int i = 0; i < valueAdj.length; i++) {
                    lambdaAdj[off + i] += valueAdj[i] * transform.slope(values[i]);
                }
            }
        }
    }
}
