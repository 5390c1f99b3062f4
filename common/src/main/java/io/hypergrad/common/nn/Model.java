package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A sequential network whose named layers are each declared inner weights (w) or hyperparameters (λ):
 * so "the bottom three conv blocks" or "the warp layers" can be λ while the rest is trained inside.
 * Immutable; build with {@link #builder()}.
 */
public final class Model {
    /**
     * A layer with its name and role.
     *
     * @param name  unique name, the group of its tensors in the layout
     * @param layer the layer
     * @param role  where its tensors live
     */
    public record Slot(String name, Layer layer, Role role) {}

    private final List<Slot> slots;
    private final ParamLayout layout;
    /** Whether a layer draws from the input's key (an active dropout). */
    private final boolean keyedByInput;

    private Model(List<Slot> slots) {
        this.slots = Collections.unmodifiableList(new ArrayList<>(slots));
        ParamLayout.Builder b = ParamLayout.builder();
        for (Slot s : slots) {
            b.add(s.name(), s.layer().params(), s.role());
        }
        this.layout = b.build();
        this.keyedByInput = slots.stream().anyMatch(s -> s.layer() instanceof Dropout d && d.training());
    }

    /** Adds layers in order. */
    public static final class Builder {
        private final List<Slot> slots = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        /** Appends a layer under a unique name with a role. */
        public Builder add(String name, Layer layer, Role role) {
            if (!names.add(name)) {
                throw new IllegalArgumentException("duplicate layer name " + name);
            }
            slots.add(new Slot(name, layer, role));
            return this;
        }

        /** Appends a parameter-free layer (activation, pooling, flatten). */
        public Builder add(String name, Layer layer) {
            return add(name, layer, Role.INNER);
        }

        public Model build() {
            return new Model(slots);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The layers in order. */
    public List<Slot> slots() {
        return slots;
    }

    /** Where every tensor lives in w and λ. */
    public ParamLayout layout() {
        return layout;
    }

    /** The network applied to x with parameters from {@code p}. */
    public Var forward(Var x, Bound p) {
        // Hashing the input costs one pass over it; only a network with an active dropout needs it.
        long key = keyedByInput ? Dropout.inputKey(x) : 0L;
        Var h = x;
        int n = slots.size();
        for (int i = 0; i < n; i++) {
            Slot s = slots.get(i);
            if (s.layer() instanceof Dense d && i + 1 < n && slots.get(i + 1).layer() instanceof Activation a) {
                // A dense layer and the activation after it run as one op (bias and activation fused).
                h = d.forward(h, p, s.name(), a);
                i++;
            } else {
                h = s.layer().forward(h, p, s.name(), key);
            }
        }
        return h;
    }

    /**
     * The same network for inference: every dropout layer becomes the identity. Same names, same
     * {@link ParamLayout}, so the same w and λ apply.
     */
    public Model inference() {
        if (!keyedByInput) {
            return this;
        }
        List<Slot> out = new ArrayList<>();
        for (Slot s : slots) {
            out.add(s.layer() instanceof Dropout d ? new Slot(s.name(), d.inference(), s.role()) : s);
        }
        return new Model(out);
    }

    /** Binds w (with optional tangent) and λ on the tape and runs the network on the batch's inputs. */
    public Var forward(Tape tape, Bound p, Batch batch) {
        return forward(tape.constant(batch.x(), batch.size(), batch.featureShape()), p);
    }

    /** One line per layer: name, description, role and size. */
    public String describe() {
        StringJoiner j = new StringJoiner("\n");
        for (Slot s : slots) {
            int n = s.layer().params().stream().mapToInt(ParamSpec::size).sum();
            j.add(String.format("%-10s %-24s %s", s.name(), s.layer().describe(),
                    n == 0 ? "" : s.role() + " (" + n + ")"));
        }
        j.add("w: " + layout.size(Role.INNER) + " parameters, λ (layers): " + layout.size(Role.HYPER));
        return j.toString();
    }

    /**
     * An MLP: Dense layers of the given widths with the activation between them (none after the last).
     * The first {@code hyperLayers} Dense layers are λ, the rest w. Layers are named fc1, act1, fc2, ….
     */
    public static Model mlp(int[] widths, Activation activation, int hyperLayers) {
        Builder b = builder();
        for (int i = 0; i + 1 < widths.length; i++) {
            b.add("fc" + (i + 1), new Dense(widths[i], widths[i + 1]), i < hyperLayers ? Role.HYPER : Role.INNER);
            if (i + 2 < widths.length && activation != Activation.IDENTITY) {
                b.add("act" + (i + 1), activation);
            }
        }
        return b.build();
    }
}
