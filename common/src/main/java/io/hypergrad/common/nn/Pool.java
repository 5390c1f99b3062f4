package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Ops;
import io.hypergrad.common.autodiff.PoolOps;
import io.hypergrad.common.autodiff.Var;
import java.util.List;

/** Parameter-free spatial layers: max- and average-pooling, and flattening to [N, features]. */
public final class Pool implements Layer {
    /** What the layer does. */
    public enum Kind { MAX, AVG, FLATTEN }

    private final Kind kind;
    private final int size;

    private Pool(Kind kind, int size) {
        this.kind = kind;
        this.size = size;
    }

    /** k×k max-pooling with stride k. */
    public static Pool max(int k) {
        return new Pool(Kind.MAX, k);
    }

    /** k×k average-pooling with stride k. */
    public static Pool avg(int k) {
        return new Pool(Kind.AVG, k);
    }

    /** [N, …] → [N, rest]. */
    public static Pool flatten() {
        return new Pool(Kind.FLATTEN, 0);
    }

    public Kind kind() {
        return kind;
    }

    /** The pooling window (and stride); 0 for flatten. */
    public int size() {
        return size;
    }

    @Override
    public List<ParamSpec> params() {
        return List.of();
    }

    @Override
    public Var forward(Var x, Bound p, String prefix) {
        return switch (kind) {
            case MAX -> PoolOps.maxPool2d(x, size, size);
            case AVG -> PoolOps.avgPool2d(x, size, size);
            case FLATTEN -> Ops.flatten(x);
        };
    }

    @Override
    public String describe() {
        return kind == Kind.FLATTEN ? "Flatten" : (kind == Kind.MAX ? "MaxPool" : "AvgPool") + "(" + size + ")";
    }
}
