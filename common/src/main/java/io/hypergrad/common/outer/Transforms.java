package io.hypergrad.common.outer;

import java.util.List;
import java.util.function.Consumer;

/**
 * Factory for the outer optimisers and transformations, composable Optax-style:
 * <pre>{@code
 * OuterOptimizer opt = Transforms.guard(
 *         Transforms.chain(Transforms.clipByGlobalNorm(1.0),
 *                          Transforms.adam(Schedules.cosineDecay(1e-2, 500))),
 *         Blocks.builder().add("log_lr", 4).add("weight_decay", 4).build(),
 *         NonFinitePolicy.FAIL);
 * OptimizerState s = opt.init(lambda);
 * Update u = opt.update(hypergrad, s, lambda);
 * lambda = u.applyTo(lambda);  s = u.state();
 * }</pre>
 */
public final class Transforms {
    /** PyTorch's Adam defaults. */
    public static final double ADAM_BETA1 = 0.9;
    /** PyTorch's Adam defaults. */
    public static final double ADAM_BETA2 = 0.999;
    /** PyTorch's Adam defaults. */
    public static final double ADAM_EPS = 1e-8;

    private Transforms() {
    }

    /** SGD: delta = −lr(step)·g. */
    public static OuterOptimizer sgd(Schedule lr) {
        return new Sgd(lr);
    }

    /** SGD with a constant learning rate. */
    public static OuterOptimizer sgd(double lr) {
        return sgd(Schedules.constant(lr));
    }

    /** SGD with momentum, PyTorch convention: m ← μm + g, delta = −lr(step)·m; μ in [0, 1). */
    public static OuterOptimizer sgdMomentum(Schedule lr, double momentum) {
        return new SgdMomentum(lr, momentum);
    }

    /** SGD with momentum and a constant learning rate. */
    public static OuterOptimizer sgdMomentum(double lr, double momentum) {
        return sgdMomentum(Schedules.constant(lr), momentum);
    }

    /** Adam with explicit β1, β2, eps (see {@link Adam} for the exact formula). */
    public static OuterOptimizer adam(Schedule lr, double beta1, double beta2, double eps) {
        return new Adam(lr, beta1, beta2, eps);
    }

    /** Adam with PyTorch's defaults β1 = 0.9, β2 = 0.999, eps = 1e-8. */
    public static OuterOptimizer adam(Schedule lr) {
        return adam(lr, ADAM_BETA1, ADAM_BETA2, ADAM_EPS);
    }

    /** Adam with PyTorch's defaults and a constant learning rate. */
    public static OuterOptimizer adam(double lr) {
        return adam(Schedules.constant(lr));
    }

    /** Scales the incoming vector to global L2 norm at most {@code maxNorm}. */
    public static OuterOptimizer clipByGlobalNorm(double maxNorm) {
        return new ClipByGlobalNorm(maxNorm);
    }

    /** Applies the transformations in order, each to the previous one's output. */
    public static OuterOptimizer chain(OuterOptimizer... parts) {
        return new Chain(List.of(parts));
    }

    /** Guards {@code inner} against NaN/±∞ with FAIL or SKIP (use {@link #guardClipping} for CLIP). */
    public static NonFiniteGuard guard(OuterOptimizer inner, Blocks blocks, NonFinitePolicy policy) {
        if (policy == NonFinitePolicy.CLIP) {
            throw new IllegalArgumentException("the CLIP policy needs a limit: use guardClipping");
        }
        return new NonFiniteGuard(inner, blocks, policy, Double.NaN, null);
    }

    /** Guards {@code inner}, replacing NaN by 0 and ±∞ by ±limit. */
    public static NonFiniteGuard guardClipping(OuterOptimizer inner, Blocks blocks, double limit) {
        return new NonFiniteGuard(inner, blocks, NonFinitePolicy.CLIP, limit, null);
    }

    /** As {@link #guard}, reporting SKIP events to {@code listener}. */
    public static NonFiniteGuard guard(OuterOptimizer inner, Blocks blocks, NonFinitePolicy policy,
                                       Consumer<NonFiniteEvent> listener) {
        return guard(inner, blocks, policy).withListener(listener);
    }
}
