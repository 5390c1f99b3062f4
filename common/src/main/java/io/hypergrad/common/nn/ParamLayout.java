package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.random.CounterRng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
    private final Map<String, Integer> indexByName = new HashMap<>();
    private final Map<String, Map<String, Integer>> indexByGroup = new HashMap<>();
    private final int[][] shapes;
    private final int innerSize;
    private final int hyperSize;

    private ParamLayout(List<Entry> entries) {
        this.entries = Collections.unmodifiableList(entries);
        this.byName = new LinkedHashMap<>();
        this.shapes = new int[entries.size()][];
        int in = 0, hy = 0;
        for (int k = 0; k < entries.size(); k++) {
            Entry e = entries.get(k);
            if (byName.put(e.name(), e) != null) {
                throw new IllegalArgumentException("duplicate parameter name " + e.name());
            }
            indexByName.put(e.name(), k);
            indexByGroup.computeIfAbsent(e.group(), g -> new HashMap<>()).put(e.spec().name(), k);
            shapes[k] = e.spec().shape();
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
     * Records every tensor as a leaf of the tape, for a forward pass: INNER ones view {@code w} (with the
     * tangent {@code wTangent} when non-null), HYPER ones view {@code lambda}; no adjoints. A sweep that
     * needs gradients binds with {@link Bound#bind}.
     */
    public Bound bind(Tape tape, double[] w, double[] wTangent, double[] lambda) {
        return new Bound(this).bind(tape, w, wTangent, lambda, null, null, null, null, null);
    }

    /** The shape of tensor k, shared by every leaf of it (not to be modified). */
    int[] shape(int k) {
        return shapes[k];
    }

    /** The index of the tensor with this full name in {@link #entries()}. */
    int indexOf(String name) {
        Integer k = indexByName.get(name);
        if (k == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; known: " + byName.keySet());
        }
        return k;
    }

    /** The index of the tensor {@code local} of layer {@code group} in {@link #entries()}. */
    int indexOf(String group, String local) {
        Map<String, Integer> tensors = indexByGroup.get(group);
        Integer k = tensors == null ? null : tensors.get(local);
        if (k == null) {
            throw new IllegalArgumentException("no parameter named " + group + "/" + local + "; known: " + byName.keySet());
        }
        return k;
    }
}
