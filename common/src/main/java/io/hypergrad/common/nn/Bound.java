package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Var;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter leaves of one recording, by full name; after the tape's backward pass it gathers the
 * per-tensor adjoints back into flat w- and λ-shaped vectors.
 */
public final class Bound {
    private final ParamLayout layout;
    private final Var[] leaves;
    private final Map<String, Var> byName = new HashMap<>();

    Bound(ParamLayout layout, Var[] leaves) {
        this.layout = layout;
        this.leaves = leaves;
        List<ParamLayout.Entry> es = layout.entries();
        for (int k = 0; k < es.size(); k++) {
            byName.put(es.get(k).name(), leaves[k]);
        }
    }

    /** The leaf of a tensor by full name ({@code group/local}). */
    public Var get(String name) {
        Var v = byName.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; known: " + byName.keySet());
        }
        return v;
    }

    /** The layout this binding follows. */
    public ParamLayout layout() {
        return layout;
    }

    /** Adds the gradient of the role's tensors into {@code out} (length {@code layout.size(role)}). */
    public void addGradient(Role role, double[] out) {
        gather(role, out, false);
    }

    /** Adds the tangent of the gradient (H·u) of the role's tensors into {@code out}. */
    public void addGradientTangent(Role role, double[] out) {
        gather(role, out, true);
    }

    private void gather(Role role, double[] out, boolean tangent) {
        List<ParamLayout.Entry> es = layout.entries();
        for (int k = 0; k < es.size(); k++) {
            ParamLayout.Entry e = es.get(k);
            if (e.role() != role) {
                continue;
            }
            double[] src = tangent ? leaves[k].gt : leaves[k].g;
            if (src == null) {
                if (tangent) {
                    throw new IllegalStateException("no tangent was recorded: bind with a tangent first");
                }
                continue;
            }
            int off = e.offset();
            for (int i = 0; i < src.length; i++) {
                out[off + i] += src[i];
            }
        }
    }
}
