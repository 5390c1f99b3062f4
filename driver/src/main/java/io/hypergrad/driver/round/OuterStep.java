package io.hypergrad.driver.round;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.outer.Blocks;
import io.hypergrad.common.outer.NonFiniteException;
import io.hypergrad.common.outer.NonFiniteGuard;
import io.hypergrad.common.outer.NonFinitePolicy;
import io.hypergrad.common.outer.OptimizerState;
import io.hypergrad.common.outer.OuterOptimizer;
import io.hypergrad.common.outer.Schedule;
import io.hypergrad.common.outer.Schedules;
import io.hypergrad.common.outer.Transforms;
import io.hypergrad.common.outer.Update;
import io.hypergrad.common.problems.MetaProblem;

/**
 * The driver's outer update of λ, built from the config: the optimiser with its learning-rate schedule
 * over the run's outer steps, optional clipping, and the non-finite guard outermost (which names the λ
 * block of a bad entry). Its state is plain arrays, for checkpoints.
 */
final class OuterStep {
    private final NonFiniteGuard optimizer;
    private OptimizerState state;

    /**
     * @param totalSteps outer steps over the whole run (for the schedule's decay)
     */
    OuterStep(RunConfig c, MetaProblem problem, double[] lambda, long totalSteps) {
        double lr = c.get(RunConfig.OUTER_LR);
        Schedule schedule = switch (c.get(RunConfig.OUTER_SCHEDULE)) {
            case "linear" -> Schedules.linearDecay(lr, totalSteps);
            case "cosine" -> Schedules.cosineDecay(lr, totalSteps);
            default -> Schedules.constant(lr);
        };
        OuterOptimizer base = switch (c.get(RunConfig.OUTER_OPTIMIZER)) {
            case "sgd" -> Transforms.sgd(schedule);
            case "momentum" -> Transforms.sgdMomentum(schedule, c.get(RunConfig.OUTER_MOMENTUM));
            default -> Transforms.adam(schedule);
        };
        double clip = c.get(RunConfig.OUTER_CLIP);
        OuterOptimizer chained = clip > 0 ? Transforms.chain(Transforms.clipByGlobalNorm(clip), base) : base;
        Blocks blocks = blocks(problem);
        this.optimizer = switch (c.get(RunConfig.NON_FINITE)) {
            case "skip-task" -> Transforms.guard(chained, blocks, NonFinitePolicy.SKIP);
            // "clip" zeroes non-finite entries: NaN and ±∞ become 0.
            case "clip" -> Transforms.guardClipping(chained, blocks, 0.0);
            default -> Transforms.guard(chained, blocks, NonFinitePolicy.FAIL);
        };
        this.state = optimizer.init(lambda);
    }

    /** λ's blocks by name: the model's λ tensors, then the inner optimiser's hyperparameters. */
    static Blocks blocks(MetaProblem problem) {
        ParamLayout layout = problem.layout();
        Blocks.Builder b = Blocks.builder();
        for (ParamLayout.Entry e : layout.entries()) {
            if (e.role() == Role.HYPER) {
                b.add(e.name(), e.size());
            }
        }
        for (HyperHook h : problem.newOptimizer().hooks()) {
            b.add(h.name(), h.size(layout));
        }
        return b.build();
    }

    /** Applies one hypergradient to λ in place; the round is named in a non-finite failure. */
    void apply(double[] lambda, double[] grad, int round) {
        try {
            Update u = optimizer.update(grad, state, lambda);
            double[] next = u.applyTo(lambda);
            System.arraycopy(next, 0, lambda, 0, lambda.length);
            state = u.state();
        } catch (NonFiniteException e) {
            throw new RunFailedException("round " + (round + 1) + ": " + e.getMessage()
                    + " (hypergrad.nonFinite = fail; set skip-task or clip to go on)", e);
        }
    }

    /** Outer updates skipped or clipped by the non-finite policy so far. */
    long nonFiniteEvents() {
        NonFiniteGuard.Counts c = optimizer.counts(state);
        return c.skippedUpdates() + c.clippedUpdates();
    }

    double[][] exportState() {
        return state.toArrays();
    }

    long steps() {
        return state.step();
    }

    void importState(double[][] slots, long steps) {
        state = OptimizerState.fromArrays(steps, slots);
    }
}
