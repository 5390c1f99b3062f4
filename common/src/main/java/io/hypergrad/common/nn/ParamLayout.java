package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.random.CounterRng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every named parameter tensor lives: in the flat inner vector w or the flat hyperparameter
 * vector λ, at which offset. Layers are grouped by name ("conv1/W" belongs to group "conv1"), so a
 * per-layer hyperparameter (a learning rate, say) can address one group's slice of w.
 */
public final class ParamLayout {
    /**
     * One tensor's placement.
     *
     * @param name   full name, {@code group/local}
     * @param group  the layer's name
     * @param spec   shape and initialiser
     * @param role   which vector holds it
     * @param offset start in that vector
     */
    public record Entry(String name, String group, ParamSpec spec, Role role, int offset) {
        /** Number of elements. */
        public int size() {
            return spec.size();
        }
    }

    private final List<Entry> entries;
    private final Map<String, Entry> byName;
    private final int innerSize;
    private final int hyperSize;

    private ParamLayout(List<Entry> entries) {
        this.entries = Collections.unmodifiableList(entries);
        this.byName = new LinkedHashMap<>();
        int in = 0, hy = 0;
        for (Entry e : entries) {
            if (byName.put(e.name(), e) != null) {
                throw new IllegalArgumentException("duplicate parameter name " + e.name());
            }
            if (e.role() == Role.INNER) {
                in = Math.max(in, e.offset() + e.size());
            } else {
                hy = Math.max(hy, e.offset() + e.size());
            }
        }
        this.innerSize = in;
        this.hyperSize = hy;
    }

    /** Builds layouts by appending tensors; each role's tensors are packed in the order added. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private int inner;
        private int hyper;

        /** Adds a group's tensors under the given role. */
        public Builder add(String group, List<ParamSpec> specs, Role role) {
            for (ParamSpec s : specs) {
                int off = role == Role.INNER ? inner : hyper;
                entries.add(new Entry(group + "/" + s.name(), group, s, role, off));
                if (role == Role.INNER) {
                    inner += s.size();
                } else {
                    hyper += s.size();
                }
            }
            return this;
        }

        public ParamLayout build() {
            return new ParamLayout(new ArrayList<>(entries));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every tensor, in order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The tensor with this full name. */
    public Entry entry(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; known: " + byName.keySet());
        }
        return e;
    }

    /** Length of the flat vector of a role. */
    public int size(Role role) {
        return role == Role.INNER ? innerSize : hyperSize;
    }

    /** The groups (layers) that hold tensors of a role, in order, each with its [start, end) range. */
    public List<Group> groups(Role role) {
        Map<String, int[]> ranges = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.role() == role) {
                int[] r = ranges.computeIfAbsent(e.group(), k -> new int[] {e.offset(), e.offset()});
                r[0] = Math.min(r[0], e.offset());
                r[1] = Math.max(r[1], e.offset() + e.size());
            }
        }
        List<Group> out = new ArrayList<>();
        ranges.forEach((g, r) -> out.add(new Group(g, r[0], r[1])));
        return out;
    }

    /**
     * A layer's contiguous slice of one flat vector.
     *
     * @param name  the layer's name
     * @param start first index
     * @param end   one past the last index
     */
    public record Group(String name, int start, int end) {
        public int size() {
            return end - start;
        }
    }

    /** Initial values of a role's vector; tensor k draws from {@code rng.child(k)}, so adding a layer does not shift others. */
    public double[] initialise(Role role, CounterRng rng) {
        double[] out = new double[size(role)];
        for (int k = 0; k < entries.size(); k++) {
            Entry e = entries.get(k);
            if (e.role() == role) {
                e.spec().init().fill(out, e.offset(), e.size(), e.spec().fanIn(), rng.child(k));
            }
        }
        return out;
    }

    /**
     * Records every tensor as a parameter leaf of the tape: INNER ones from {@code w} (with the tangent
     * from {@code wTangent} when non-null), HYPER ones from {@code lambda}.
     */
    public Bound bind(Tape tape, double[] w, double[] wTangent, double[] lambda) {
        return bind(tape, w, wTangent, lambda, null);
    }

    /**
     * As {@link #bind(Tape, double[], double[], double[])}, with a tangent on λ too when
     * {@code lambdaTangent} is non-null (forward-mode hypergradients need both).
     */
    public Bound bind(Tape tape, double[] w, double[] wTangent, double[] lambda, double[] lambdaTangent) {
        checkLength("w", w, innerSize);
        checkLength("λ", lambda, hyperSize);
        if (wTangent != null) {
            checkLength("tangent", wTangent, innerSize);
        }
        if (lambdaTangent != null) {
            checkLength("λ tangent", lambdaTangent, hyperSize);
        }
        tape.setTangentMode(wTangent != null || lambdaTangent != null);
        Var[] leaves = new Var[entries.size()];
        for (int k = 0; k < entries.size(); k++) {
            Entry e = entries.get(k);
            int[] shape = e.spec().shape();
            leaves[k] = e.role() == Role.INNER
                    ? tape.parameter(w, e.offset(), wTangent, e.offset(), shape)
                    : tape.parameter(lambda, e.offset(), lambdaTangent, e.offset(), shape);
        }
        return new Bound(this, leaves);
    }

    int indexOf(String name) {
        return entries.indexOf(entry(name));
    }

    private static void checkLength(String what, double[] a, int n) {
        if (a == null ? n != 0 : a.length != n) {
            throw new IllegalArgumentException(what + " has length " + (a == null ? "null" : a.length) + ", the layout needs " + n);
        }
    }
}
