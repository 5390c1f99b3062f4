package io.hypergrad.driver.export;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.BatchNorm;
import io.hypergrad.common.nn.Bound;
import io.hypergrad.common.nn.Conv2d;
import io.hypergrad.common.nn.Dense;
import io.hypergrad.common.nn.Dropout;
import io.hypergrad.common.nn.Layer;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Pool;
import io.hypergrad.common.problems.LearnedNetwork;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A {@link LearnedNetwork} as a DL4J {@link MultiLayerNetwork} in double precision: the same layers and
 * values, λ layers frozen (no-op updater, as inside an episode), every trainable layer with its inner
 * optimiser's settings. Batch-norm layers keep their batch-statistics behaviour in training mode; for
 * inference mode their global mean and variance are the statistics of the calibration batch, so the
 * calibration batch gives the same outputs in both modes.
 *
 * <p>DL4J's momentum SGD is Nesterov's ({@link Nesterovs}), so a layer trained with heavy-ball momentum
 * continues with Nesterov momentum of the same coefficient; weight decay is DL4J's L2 on weights and
 * biases, which adds wd·w to the gradient as PyTorch's SGD does.
 *
 * <p>A dropout layer becomes a DL4J {@link DropoutLayer} with the same rate: the identity in inference
 * mode, as ours. In training mode DL4J draws its own masks (from ND4J's generator, not from the batch as
 * ours does), so training-mode outputs of a network with dropout differ; everything else is the same.
 * GELU is exported as {@link TanhGelu} (DL4J has no GELU that equals ours), so loading such a network
 * needs that class on the class path.
 */
public final class Dl4jExport {
    private Dl4jExport() {}

    /** The DL4J network with every tensor copied from the learned network. */
    public static MultiLayerNetwork toNetwork(LearnedNetwork net) {
        Model model = net.model();
        List<Model.Slot> slots = model.slots();
        int lastParam = -1;
        for (int i = 0; i < slots.size(); i++) {
            if (!slots.get(i).layer().params().isEmpty()) {
                lastParam = i;
            }
        }
        if (lastParam < 0 || !(slots.get(lastParam).layer() instanceof Dense) || lastParam != slots.size() - 1) {
            throw new IllegalArgumentException("DL4J export needs a network that ends in a Dense layer; got:\n" + model.describe());
        }
        Map<String, double[]> bnStats = batchNormStatistics(net);
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(0).dataType(DataType.DOUBLE).weightInit(WeightInit.ZERO).updater(new NoOp()).list();
        List<Model.Slot> mapped = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            Model.Slot s = slots.get(i);
            org.deeplearning4j.nn.conf.layers.Layer layer = i == lastParam ? outputLayer(net, s) : layerOf(s.layer());
            if (layer == null) {
                continue;
            }
            if (layer instanceof BaseLayer b && !s.layer().params().isEmpty()) {
                configureTraining(b, net, s.name());
            }
            layer.setLayerName(s.name());
            list.layer(layer);
            mapped.add(s);
        }
        int[] shape = net.calibration().featureShape();
        boolean image = slots.stream().anyMatch(s -> s.layer() instanceof Conv2d);
        list.setInputType(image ? InputType.convolutional(shape[1], shape[2], shape[0]) : InputType.feedForward(product(shape)));
        MultiLayerNetwork out = new MultiLayerNetwork(list.build());
        out.init();
        for (int i = 0; i < mapped.size(); i++) {
            copyTensors(out.getLayer(i), mapped.get(i), net, bnStats);
        }
        return out;
    }

    private static org.deeplearning4j.nn.conf.layers.Layer layerOf(Layer l) {
        if (l instanceof Conv2d c) {
            return new ConvolutionLayer.Builder(c.kernel(), c.kernel()).stride(c.stride(), c.stride()).padding(c.padding(), c.padding())
                    .nIn(c.in()).nOut(c.out()).convolutionMode(ConvolutionMode.Truncate)
                    .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build();
        }
        if (l instanceof BatchNorm b) {
            return new BatchNormalization.Builder().nOut(b.channels()).eps(b.eps()).useLogStd(false).build();
        }
        if (l instanceof Dense d) {
            return new DenseLayer.Builder().nIn(d.in()).nOut(d.out()).hasBias(d.bias())
                    .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build();
        }
        if (l instanceof Activation a) {
            return new ActivationLayer.Builder().activation(activationOf(a)).build();
        }
        if (l instanceof Dropout d) {
            // DL4J's argument is the probability of keeping an element; a rate of 0 is no layer at all
            return d.rate() == 0 ? null : new DropoutLayer.Builder(1.0 - d.rate()).build();
        }
        if (l instanceof Pool p) {
            return switch (p.kind()) {
                case FLATTEN -> null; // DL4J inserts its CNN→feed-forward preprocessor, flattening in the same (c) order
                case MAX, AVG -> new SubsamplingLayer.Builder(p.kind() == Pool.Kind.MAX ? PoolingType.MAX : PoolingType.AVG)
                        .kernelSize(p.size(), p.size()).stride(p.size(), p.size()).convolutionMode(ConvolutionMode.Truncate).build();
            };
        }
        throw new IllegalArgumentException("DL4J export does not know the layer " + l.describe());
    }

    private static IActivation activationOf(Activation a) {
        return switch (a) {
            case IDENTITY -> org.nd4j.linalg.activations.Activation.IDENTITY.getActivationFunction();
            case TANH -> org.nd4j.linalg.activations.Activation.TANH.getActivationFunction();
            case RELU -> org.nd4j.linalg.activations.Activation.RELU.getActivationFunction();
            case SIGMOID -> org.nd4j.linalg.activations.Activation.SIGMOID.getActivationFunction();
            case SOFTPLUS -> org.nd4j.linalg.activations.Activation.SOFTPLUS.getActivationFunction();
            // DL4J's default slope is 0.01, as ours
            case LEAKY_RELU -> org.nd4j.linalg.activations.Activation.LEAKYRELU.getActivationFunction();
            // none of DL4J's GELUs is the tanh approximation ours computes (see TanhGelu)
            case GELU -> new TanhGelu();
        };
    }

    private static OutputLayer outputLayer(LearnedNetwork net, Model.Slot s) {
        Dense d = (Dense) s.layer();
        LossFunctions.LossFunction loss = switch (net.output()) {
            case SOFTMAX_CLASSES -> LossFunctions.LossFunction.MCXENT;
            case SIGMOID_BINARY -> LossFunctions.LossFunction.XENT;
            case REGRESSION -> LossFunctions.LossFunction.MSE;
        };
        org.nd4j.linalg.activations.Activation activation = switch (net.output()) {
            case SOFTMAX_CLASSES -> org.nd4j.linalg.activations.Activation.SOFTMAX;
            case SIGMOID_BINARY -> org.nd4j.linalg.activations.Activation.SIGMOID;
            case REGRESSION -> org.nd4j.linalg.activations.Activation.IDENTITY;
        };
        return new OutputLayer.Builder(loss).activation(activation).nIn(d.in()).nOut(d.out()).hasBias(d.bias()).build();
    }

    private static void configureTraining(BaseLayer layer, LearnedNetwork net, String name) {
        LearnedNetwork.LayerOptimizer o = net.optimizers().get(name);
        if (net.isHyper(name) || o == null) {
            layer.setIUpdater(new NoOp());
            return;
        }
        IUpdater u = o.momentum() > 0 ? new Nesterovs(o.learningRate(), o.momentum()) : new Sgd(o.learningRate());
        layer.setIUpdater(u);
        if (o.weightDecay() > 0) {
            layer.setRegularization(List.of(new org.nd4j.linalg.learning.regularization.L2Regularization(o.weightDecay())));
            layer.setRegularizationBias(List.of(new org.nd4j.linalg.learning.regularization.L2Regularization(o.weightDecay())));
        }
    }

    private static void copyTensors(org.deeplearning4j.nn.api.Layer target, Model.Slot s, LearnedNetwork net, Map<String, double[]> bnStats) {
        Layer l = s.layer();
        String n = s.name();
        if (l instanceof Conv2d c) {
            assign(target, "W", net.tensor(n + "/W"), c.out(), c.in(), c.kernel(), c.kernel());
            assign(target, "b", net.tensor(n + "/b"), 1, c.out());
        } else if (l instanceof Dense d) {
            // ours is [out][in] (PyTorch's Linear); DL4J's is [in][out]
            INDArray w = Nd4j.create(net.tensor(n + "/W"), new long[] {d.out(), d.in()}, 'c').transpose();
            target.getParam("W").assign(w);
            if (d.bias()) {
                assign(target, "b", net.tensor(n + "/b"), 1, d.out());
            }
        } else if (l instanceof BatchNorm b) {
            assign(target, "gamma", net.tensor(n + "/gamma"), 1, b.channels());
            assign(target, "beta", net.tensor(n + "/beta"), 1, b.channels());
            double[] st = bnStats.get(n);
            assign(target, "mean", java.util.Arrays.copyOfRange(st, 0, b.channels()), 1, b.channels());
            assign(target, "var", java.util.Arrays.copyOfRange(st, b.channels(), 2 * b.channels()), 1, b.channels());
        }
    }

    private static void assign(org.deeplearning4j.nn.api.Layer target, String key, double[] values, long... shape) {
        INDArray p = target.getParam(key);
        if (p == null) {
            throw new IllegalStateException("DL4J layer " + target.getClass().getSimpleName() + " has no parameter " + key);
        }
        p.assign(Nd4j.create(values, shape, 'c'));
    }

    /**
     * Per batch-norm layer, the per-channel mean then biased variance of its input on the calibration
     * batch — what our batch norm normalises with.
     */
    static Map<String, double[]> batchNormStatistics(LearnedNetwork net) {
        Map<String, double[]> out = new HashMap<>();
        Tape tape = new Tape();
        Bound p = net.layout().bind(tape, net.w(), null, net.lambdaModel());
        Batch batch = net.calibration();
        Var h = tape.constant(batch.x(), batch.inputShape());
        for (Model.Slot s : net.model().inference().slots()) {
            if (s.layer() instanceof BatchNorm b) {
                out.put(s.name(), channelMoments(h, b.channels()));
            }
            h = s.layer().forward(h, p, s.name());
        }
        return out;
    }

    private static double[] channelMoments(Var x, int c) {
        int n = x.dim(0);
        int hw = x.size() / (n * c);
        double[] st = new double[2 * c];
        for (int ch = 0; ch < c; ch++) {
            double mu = 0;
            for (int e = 0; e < n; e++) {
                for (int i = 0; i < hw; i++) {
                    mu += x.v[(e * c + ch) * hw + i];
                }
            }
            mu /= (double) n * hw;
            double var = 0;
            for (int e = 0; e < n; e++) {
                for (int i = 0; i < hw; i++) {
                    double d = x.v[(e * c + ch) * hw + i] - mu;
                    var += d * d;
                }
            }
            st[ch] = mu;
            st[c + ch] = var / ((double) n * hw);
        }
        return st;
    }

    /**
     * Our network's outputs on a batch in inference mode (dropout off), read as DL4J's output layer reads
     * them (softmax for classes), [N][K].
     */
    public static double[][] ourOutputs(LearnedNetwork net, Batch batch) {
        Tape tape = new Tape();
        Var y = net.model().inference().forward(tape, net.layout().bind(tape, net.w(), null, net.lambdaModel()), batch);
        int n = y.dim(0);
        int k = y.size() / n;
        double[][] out = new double[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(y.v, i * k, out[i], 0, k);
            if (net.output() == LearnedNetwork.Output.SOFTMAX_CLASSES) {
                softmaxInPlace(out[i]);
            } else if (net.output() == LearnedNetwork.Output.SIGMOID_BINARY) {
                out[i][0] = 1 / (1 + Math.exp(-out[i][0]));
            }
        }
        return out;
    }

    private static void softmaxInPlace(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            m = Math.max(m, v);
        }
        double s = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.exp(z[i] - m);
            s += z[i];
        }
        for (int i = 0; i < z.length; i++) {
            z[i] /= s;
        }
    }

    /** A batch's inputs as the DL4J network takes them: [N, C, H, W] for images, [N, F] otherwise. */
    public static INDArray input(Batch batch, MultiLayerNetwork network) {
        int[] f = batch.featureShape();
        boolean image = network.getLayerWiseConfigurations().getConf(0).getLayer() instanceof ConvolutionLayer;
        long[] shape = image ? new long[] {batch.size(), f[0], f[1], f[2]} : new long[] {batch.size(), product(f)};
        return Nd4j.create(batch.x(), shape, 'c');
    }

    /** The largest absolute difference between our outputs and DL4J's (inference mode) on a batch. */
    public static double maxDifference(LearnedNetwork net, MultiLayerNetwork network, Batch batch) {
        double[][] ours = ourOutputs(net, batch);
        INDArray theirs = network.output(input(batch, network), false);
        double max = 0;
        for (int i = 0; i < ours.length; i++) {
            for (int j = 0; j < ours[i].length; j++) {
                max = Math.max(max, Math.abs(ours[i][j] - theirs.getDouble(i, j)));
            }
        }
        return max;
    }

    /** The network as a ModelSerializer zip (with its updater), in memory, for an atomic write. */
    public static byte[] zip(MultiLayerNetwork network) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(network, bytes, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A network from ModelSerializer zip bytes. */
    public static MultiLayerNetwork unzip(byte[] zip) {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int product(int[] shape) {
        int p = 1;
        for (int v : shape) {
            p *= v;
        }
        return p;
    }
}
