package io.hypergrad.driver.ml;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.problems.TableProblem;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fit tuned, kept with its model: every λ entry by name and value, the λ fingerprint of the run's
 * {@code summary.json}, the history (one metrics map per round) and the summary. Written as JSON beside
 * the network when a model is saved; doubles round-trip exactly.
 *
 * @param lambdaNames  one name per λ entry, e.g. {@code dense1/W[3]} (a λ layer's value),
 *                     {@code logLearningRate[dense2]} (per layer) or {@code logWeightDecay[dense1/W[17]]}
 *                     (per parameter)
 * @param lambda       the tuned λ, in the same order
 * @param lambdaSha256 the fingerprint of λ ({@code summary.json}'s {@code lambdaSha256})
 * @param history      one metrics map per round, as the run's {@code metrics.jsonl} (NaN as null)
 * @param summary      the run's {@code summary.json}
 */
public record Tuning(List<String> lambdaNames, double[] lambda, String lambdaSha256, List<Map<String, Object>> history,
                     Map<String, Object> summary) implements Serializable {
    static final String FILE = "tuning.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tuning of a finished table run, its history normalised as JSON holds it (NaN and infinities as null). */
    static Tuning of(TableProblem problem, double[] lambda, List<Map<String, Object>> history, Map<String, Object> summary) {
        List<Map<String, Object>> h = new ArrayList<>();
        for (Map<String, Object> m : history) {
            h.add(normalised(m));
        }
        return new Tuning(names(problem, lambda.length), lambda.clone(), String.valueOf(summary.get("lambdaSha256")), List.copyOf(h),
                normalised(summary));
    }

    /**
     * Names of the λ entries of a table problem: the model's λ tensors (a layer with role hyper, the
     * example-weighting network) element by element, then the inner optimiser's hyperparameters in its
     * order (learning rate, weight decay, momentum), each named by its scope.
     */
    static List<String> names(TableProblem problem, int size) {
        List<String> out = new ArrayList<>(size);
        ParamLayout layout = problem.layout();
        List<String> inner = new ArrayList<>();
        for (ParamLayout.Entry e : layout.entries()) {
            List<String> into = e.role() == Role.HYPER ? out : inner;
            for (int i = 0; i < e.size(); i++) {
                into.add(e.size() == 1 ? e.name() : e.name() + "[" + i + "]");
            }
        }
        for (HyperHook h : problem.newOptimizer().settings()) {
            switch (h.scope()) {
                case CONSTANT -> { }
                case GLOBAL -> out.add(h.name());
                case PER_LAYER -> layout.groups(Role.INNER).forEach(g -> out.add(h.name() + "[" + g.name() + "]"));
                case PER_PARAMETER -> inner.forEach(n -> out.add(h.name() + "[" + n + "]"));
            }
        }
        if (out.size() != size) {
            // a problem whose λ has more than these parts: name the entries by position rather than wrongly
            out.clear();
            for (int i = 0; i < size; i++) {
                out.add("lambda[" + i + "]");
            }
        }
        return List.copyOf(out);
    }

    /** λ by name, in order. */
    public Map<String, Double> lambdaByName() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < lambda.length; i++) {
            m.put(lambdaNames.get(i), lambda[i]);
        }
        return m;
    }

    @Override
    public double[] lambda() {
        return lambda.clone();
    }

    byte[] toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the tuning: " + e.getMessage(), e);
        }
    }

    static Tuning fromJson(byte[] json, String where) {
        try {
            return JSON.readValue(json, Tuning.class);
        } catch (IOException e) {
            throw new io.hypergrad.common.data.DatasetException(where + ": not a hypergrad model's tuning: " + e.getMessage().split("\n")[0]);
        }
    }

    private static Map<String, Object> normalised(Map<String, Object> m) {
        try {
            Map<String, Object> clean = new LinkedHashMap<>();
            m.forEach((k, v) -> clean.put(k, v instanceof Double d && !Double.isFinite(d) ? null : v));
            return JSON.readValue(JSON.writeValueAsBytes(clean), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the run's metrics: " + e.getMessage(), e);
        }
    }
}
