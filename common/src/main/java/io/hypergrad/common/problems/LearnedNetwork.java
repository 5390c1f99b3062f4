package io.hypergrad.common.problems;

import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a run has learned, as one network another framework can take over: the architecture, the value of
 * every tensor (λ layers and the inner weights w), what its output means, and the inner optimiser's
 * settings for each trainable layer (tuned values where λ holds them). Layers that are λ stay fixed when
 * the network is trained further, as they do inside an episode.
 *
 * @param description one line on what this network is, e.g. "Conv-4 with the meta-learned body and φ"
 * @param model       the layers in order
 * @param layout      where each of the model's tensors lives: {@link Role#INNER} in {@code w},
 *                    {@link Role#HYPER} in {@code lambdaModel} (may be a larger problem's layout)
 * @param w           the inner weights
 * @param lambdaModel the model's λ tensors
 * @param output      how the last layer's output is read
 * @param optimizers  per trainable (inner) layer name, its optimiser settings
 * @param calibration inputs of the kind the network sees (a task's training batch): they set the
 *                    normalisation statistics of an export and check its forward pass
 */
public record LearnedNetwork(String description, Model model, ParamLayout layout, double[] w, double[] lambdaModel,
                             Output output, Map<String, LayerOptimizer> optimizers, Batch calibration) {
    /** How the network's last layer is read. */
    public enum Output {
        /** Logits of classes, trained with softmax cross-entropy. */
        SOFTMAX_CLASSES,
        /** One logit of the second of two classes, trained with binary cross-entropy (probability σ(z)). */
        SIGMOID_BINARY,
        /** A real value, trained with mean squared error. */
        REGRESSION
    }

    /**
     * SGD settings of one layer in PyTorch's convention (g = ∇L + wd·w; m ← μ·m + g; w ← w − η·m).
     *
     * @param learningRate η
     * @param weightDecay  wd
     * @param momentum     μ (0: none)
     * @param tuned        whether any of them came from λ
     */
    public record LayerOptimizer(double learningRate, double weightDecay, double momentum, boolean tuned) {}

    public LearnedNetwork {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(calibration, "calibration");
        optimizers = Map.copyOf(optimizers);
        for (Model.Slot s : model.slots()) {
            for (var spec : s.layer().params()) {
                ParamLayout.Entry e = layout.entry(s.name() + "/" + spec.name());
                double[] source = e.role() == Role.INNER ? w : lambdaModel;
                if (source == null || e.offset() + e.size() > source.length) {
                    throw new IllegalArgumentException(e.name() + " lies outside the given " + (e.role() == Role.INNER ? "w" : "λ"));
                }
            }
        }
    }

    /**
     * The network a problem trains in its inner loop: its model with w and the model's part of λ, and each
     * inner layer's optimiser settings read from the problem's inner optimiser.
     *
     * @param lambda      the full λ (model tensors first, then the optimiser's entries)
     * @param optimizer   the problem's inner optimiser, built on {@code model.layout()}
     * @param calibration a training batch of the kind the network sees
     */
    public static LearnedNetwork trainedWith(String description, Model model, Output output, InnerOptimizer optimizer,
                                             double[] lambda, double[] w, Batch calibration) {
        ParamLayout layout = model.layout();
        return new LearnedNetwork(description, model, layout, w, java.util.Arrays.copyOf(lambda, layout.size(Role.HYPER)), output,
                optimizerSettings(optimizer, layout, lambda), calibration);
    }

    /** The values of a tensor named {@code layer/local}, copied from w or λ. */
    public double[] tensor(String name) {
        ParamLayout.Entry e = layout.entry(name);
        double[] source = e.role() == Role.INNER ? w : lambdaModel;
        return java.util.Arrays.copyOfRange(source, e.offset(), e.offset() + e.size());
    }

    /** Whether the layer's tensors are λ (fixed while training further). */
    public boolean isHyper(String layer) {
        return layout.entries().stream().anyMatch(e -> e.group().equals(layer) && e.role() == Role.HYPER);
    }

    /**
     * Each inner layer's SGD settings, read from an optimiser's hooks named {@code *earningRate},
     * {@code *eightDecay} and {@code momentum} (constants or λ-controlled), over the optimiser's own layout.
     *
     * @param optimizer the problem's inner optimiser
     * @param layout    the layout the optimiser was built on
     * @param lambda    the full λ (model tensors first, then the optimiser's entries)
     */
    public static Map<String, LayerOptimizer> optimizerSettings(InnerOptimizer optimizer, ParamLayout layout, double[] lambda) {
        int p = layout.size(Role.INNER);
        double[] lr = new double[p];
        double[] wd = new double[p];
        double[] mu = new double[p];
        boolean tuned = false;
        int off = layout.size(Role.HYPER);
        for (HyperHook h : optimizer.settings()) {
            String n = h.name().toLowerCase(java.util.Locale.ROOT);
            double[] target = n.endsWith("learningrate") ? lr : n.endsWith("weightdecay") ? wd : n.equals("momentum") ? mu : null;
            if (target != null) {
                h.expand(layout, lambda, off, target);
                tuned |= !h.isConstant();
            }
            off += h.size(layout);
        }
        Map<String, LayerOptimizer> out = new LinkedHashMap<>();
        for (ParamLayout.Group g : layout.groups(Role.INNER)) {
            int i = g.start();
            out.put(g.name(), new LayerOptimizer(lr[i], wd[i], mu[i], tuned));
        }
        return out;
    }

    /** The same settings for every inner layer of a layout (for a network trained with a fixed optimiser). */
    public static Map<String, LayerOptimizer> uniform(ParamLayout layout, LayerOptimizer settings) {
        Map<String, LayerOptimizer> out = new LinkedHashMap<>();
        for (ParamLayout.Group g : layout.groups(Role.INNER)) {
            out.put(g.name(), settings);
        }
        return out;
    }

    /** The names of the layers with tensors, in order. */
    public List<String> parameterLayers() {
        return model.slots().stream().filter(s -> !s.layer().params().isEmpty()).map(Model.Slot::name).toList();
    }
}
