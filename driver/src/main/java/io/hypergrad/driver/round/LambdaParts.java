package io.hypergrad.driver.round;

import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.problems.MetaProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * λ's interpretable parts, by name, for each round's metrics (and the report's plots of them): the norm
 * of each layer of λ tensors ({@code lambdaBlocks}, e.g. ANIL's meta-learned conv blocks) and the values
 * of the inner optimiser's tuned hyperparameters per inner layer ({@code lambdaSettings}, e.g.
 * {@code learningRate[conv1]}, as the optimiser uses them: after their transform, a mean over the layer
 * for per-parameter ones). A λ that does not follow the problem's layout gets neither.
 */
final class LambdaParts {
    /** Beyond this many names a plot of them is no longer read at a glance; the rest are left out. */
    static final int MAX_NAMES = 24;

    private final ParamLayout layout;
    private final InnerOptimizer optimizer;
    private final boolean applies;

    LambdaParts(MetaProblem problem, int lambdaSize) {
        this.layout = problem.layout();
        this.optimizer = problem.newOptimizer();
        int size = layout.size(Role.HYPER);
        for (HyperHook h : optimizer.settings()) {
            size += h.size(layout);
        }
        this.applies = size == lambdaSize;
    }

    /** The norms of λ's tensor layers, by layer name (empty when there are none). */
    Map<String, Double> blocks(double[] lambda) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (!applies) {
            return out;
        }
        for (ParamLayout.Group g : layout.groups(Role.HYPER)) {
            if (out.size() == MAX_NAMES) {
                break;
            }
            double s = 0;
            for (int i = g.start(); i < g.end(); i++) {
                s += lambda[i] * lambda[i];
            }
            out.put(g.name(), Math.sqrt(s));
        }
        return out;
    }

    /** The tuned optimiser hyperparameters by name and inner layer (empty when λ holds none). */
    Map<String, Double> settings(double[] lambda) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (!applies) {
            return out;
        }
        int off = layout.size(Role.HYPER);
        double[] values = new double[layout.size(Role.INNER)];
        List<ParamLayout.Group> layers = layout.groups(Role.INNER);
        for (HyperHook h : optimizer.settings()) {
            if (!h.isConstant()) {
                h.expand(layout, lambda, off, values);
                if (h.scope() == HyperHook.Scope.GLOBAL) {
                    out.put(h.name(), values.length == 0 ? Double.NaN : values[0]);
                } else {
                    for (ParamLayout.Group g : layers) {
                        double s = 0;
                        for (int i = g.start(); i < g.end(); i++) {
                            s += values[i];
                        }
                        out.put(h.name() + "[" + g.name() + "]", s / Math.max(1, g.size()));
                    }
                }
            }
            off += h.size(layout);
            if (out.size() >= MAX_NAMES) {
                break;
            }
        }
        return out;
    }
}
