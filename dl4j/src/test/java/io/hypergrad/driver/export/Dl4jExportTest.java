package io.hypergrad.driver.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Dense;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.NetworkSchema;
import io.hypergrad.common.nn.Networks;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Pool;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.problems.LearnedNetwork;
import io.hypergrad.common.random.CounterRng;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The DL4J hand-off: a learned network written as a ModelSerializer zip and loaded back computes what
 * ours computes. Both sides work in double precision, so the outputs differ only by summation order
 * (≈ 1e-15 relative); 1e-9 leaves room for that over a few layers and is far tighter than the 1e-6 that
 * the hand-off promises.
 */
class Dl4jExportTest {
    private static final double TOL = 1e-9;

    @Test
    void conv4WithBatchNormMatchesOursAfterAZipRoundTrip() {
        Model m = Networks.conv4(1, 16, 4, 5, 3);
        LearnedNetwork net = random(m, LearnedNetwork.Output.SOFTMAX_CLASSES, images(6, 1, 16, 16, 1),
                LearnedNetwork.uniform(m.layout(), new LearnedNetwork.LayerOptimizer(0.01, 0, 0.9, false)));
        MultiLayerNetwork back = Dl4jExport.unzip(Dl4jExport.zip(Dl4jExport.toNetwork(net)));
        assertTrue(Dl4jExport.maxDifference(net, back, net.calibration()) < TOL);
        // training mode normalises with the batch's own statistics, as our batch norm always does
        INDArray train = back.output(Dl4jExport.input(net.calibration(), back), true);
        double[][] ours = Dl4jExport.ourOutputs(net, net.calibration());
        for (int i = 0; i < ours.length; i++) {
            for (int j = 0; j < ours[i].length; j++) {
                assertEquals(ours[i][j], train.getDouble(i, j), TOL);
            }
        }
    }

    @Test
    void conv4InTrainingModeMatchesOursOnAnyBatch() {
        Model m = Networks.conv4(1, 16, 4, 5, 3);
        LearnedNetwork net = random(m, LearnedNetwork.Output.SOFTMAX_CLASSES, images(6, 1, 16, 16, 1), Map.of());
        MultiLayerNetwork back = Dl4jExport.unzip(Dl4jExport.zip(Dl4jExport.toNetwork(net)));
        Batch other = images(5, 1, 16, 16, 2);
        INDArray train = back.output(Dl4jExport.input(other, back), true);
        double[][] ours = Dl4jExport.ourOutputs(net, other);
        for (int i = 0; i < ours.length; i++) {
            for (int j = 0; j < ours[i].length; j++) {
                assertEquals(ours[i][j], train.getDouble(i, j), TOL);
            }
        }
    }

    @Test
    void warpNetMatchesOurs() {
        Model m = Networks.warpNet(1, 16, 3, 4, 2);
        LearnedNetwork net = random(m, LearnedNetwork.Output.SOFTMAX_CLASSES, images(4, 1, 16, 16, 3), Map.of());
        MultiLayerNetwork back = Dl4jExport.unzip(Dl4jExport.zip(Dl4jExport.toNetwork(net)));
        assertTrue(Dl4jExport.maxDifference(net, back, net.calibration()) < TOL);
    }

    @Test
    void regressionMlpMatchesOursAndFreezesItsHyperLayers() {
        Model m = Model.mlp(new int[] {1, 8, 8, 1}, Activation.RELU, 2);
        Batch x = new Batch(new double[] {-4, -1.5, 0, 0.7, 3.2}, new int[] {1}, null, null);
        LearnedNetwork net = random(m, LearnedNetwork.Output.REGRESSION, x,
                LearnedNetwork.uniform(m.layout(), new LearnedNetwork.LayerOptimizer(0.01, 0, 0.9, false)));
        MultiLayerNetwork back = Dl4jExport.unzip(Dl4jExport.zip(Dl4jExport.toNetwork(net)));
        assertTrue(Dl4jExport.maxDifference(net, back, x) < TOL);
        assertInstanceOf(NoOp.class, updaterOf(back, 0), "a λ layer stays fixed");
        assertInstanceOf(NoOp.class, updaterOf(back, 2));
        Nesterovs head = assertInstanceOf(Nesterovs.class, updaterOf(back, 4));
        assertEquals(0.01, head.getLearningRate(), 0.0);
        assertEquals(0.9, head.getMomentum(), 0.0);
    }

    @Test
    void tunedPerLayerLearningRatesAndWeightDecaysTravelWithTheLayers() {
        Model m = Model.builder().add("flatten", Pool.flatten()).add("fc1", new Dense(12, 6), Role.INNER)
                .add("relu1", Activation.RELU).add("fc2", new Dense(6, 3), Role.INNER).build();
        ParamLayout layout = m.layout();
        Sgd sgd = new Sgd(layout, new HyperHook("logLearningRate", HyperHook.Scope.PER_LAYER, HyperHook.Transform.EXP, 0.1),
                new HyperHook("logWeightDecay", HyperHook.Scope.PER_LAYER, HyperHook.Transform.EXP, 1e-4), HyperHook.constant("momentum", 0.5));
        double[] lambda = {Math.log(0.2), Math.log(0.05), Math.log(1e-3), Math.log(2e-4)};
        Map<String, LearnedNetwork.LayerOptimizer> o = LearnedNetwork.optimizerSettings(sgd, layout, lambda);
        LearnedNetwork net = new LearnedNetwork("mlp", m, layout, layout.initialise(Role.INNER, CounterRng.of(4)), new double[0],
                LearnedNetwork.Output.SOFTMAX_CLASSES, o, images(3, 1, 3, 4, 5));
        MultiLayerNetwork back = Dl4jExport.unzip(Dl4jExport.zip(Dl4jExport.toNetwork(net)));
        assertTrue(Dl4jExport.maxDifference(net, back, net.calibration()) < TOL);
        double[][] expected = {{0.2, 1e-3}, {0.05, 2e-4}};
        int[] dl4jIndex = {0, 2};
        for (int k = 0; k < 2; k++) {
            BaseLayer conf = (BaseLayer) back.getLayerWiseConfigurations().getConf(dl4jIndex[k]).getLayer();
            Nesterovs u = assertInstanceOf(Nesterovs.class, conf.getIUpdater());
            assertEquals(expected[k][0], u.getLearningRate(), 1e-15);
            assertEquals(0.5, u.getMomentum(), 0.0);
            var l2 = (org.nd4j.linalg.learning.regularization.L2Regularization) conf.getRegularization().get(0);
            assertEquals(expected[k][1], l2.getL2().valueAt(0, 0), 1e-15);
        }
    }

    @Test
    void aSchemaBuiltMlpWithGeluDropoutAndNoBiasMatchesOursInInferenceMode() {
        NetworkSchema schema = NetworkSchema.parse(List.of(
                Map.of("type", "dense", "out", 7, "activation", "gelu", "role", "hyper"),
                Map.of("type", "dropout", "rate", 0.4),
                Map.of("type", "dense", "out", 5, "activation", "gelu", "bias", false),
                Map.of("type", "dropout", "rate", 0.2),
                Map.of("type", "dense")), "hypergrad.model.layers");
        // the network as it trains (dropout on); the export and its check run it in inference mode
        Model m = schema.build(new int[] {4}, 3, true);
        Batch x = new Batch(new double[] {-2, 0.5, 1, 3, 0.1, -0.7, 2.2, -1.5, 1.1, 0, -3, 0.4}, new int[] {4}, new int[3], null);
        LearnedNetwork net = random(m, LearnedNetwork.Output.SOFTMAX_CLASSES, x, Map.of());
        MultiLayerNetwork back = Dl4jExport.unzip(Dl4jExport.zip(Dl4jExport.toNetwork(net)));
        double diff = Dl4jExport.maxDifference(net, back, x);
        assertTrue(diff < TOL, "max difference " + diff);
        assertInstanceOf(DropoutLayer.class, back.getLayerWiseConfigurations().getConf(2).getLayer());
        assertFalse(((DenseLayer) back.getLayerWiseConfigurations().getConf(3).getLayer()).hasBias());
    }

    @Test
    void tanhGeluBackpropIsItsDerivative() {
        // so a GELU network continues training in DL4J with the right gradients; central differences with
        // step 1e-6 are accurate to ≈ 1e-10 here
        double[] xs = {-3, -1.2, -0.3, 0, 0.4, 1.5, 2.8};
        INDArray x = org.nd4j.linalg.factory.Nd4j.create(xs, new long[] {1, xs.length}, 'c');
        INDArray d = new TanhGelu().backprop(x.dup(), org.nd4j.linalg.factory.Nd4j.onesLike(x)).getFirst();
        for (int i = 0; i < xs.length; i++) {
            double h = 1e-6;
            double fp = new TanhGelu().getActivation(org.nd4j.linalg.factory.Nd4j.scalar(xs[i] + h), false).getDouble(0);
            double fm = new TanhGelu().getActivation(org.nd4j.linalg.factory.Nd4j.scalar(xs[i] - h), false).getDouble(0);
            assertEquals((fp - fm) / (2 * h), d.getDouble(i), 1e-8);
        }
    }

    @Test
    void aSchemaBuiltConvNetWithAveragePoolingMatchesOurs() {
        NetworkSchema schema = NetworkSchema.parse(List.of(
                Map.of("type", "conv2d", "out", 3, "activation", "relu"),
                Map.of("type", "avgpool", "size", 2),
                Map.of("type", "conv2d", "out", 2, "kernel", 3, "stride", 2, "padding", 1, "activation", "gelu"),
                Map.of("type", "flatten"),
                Map.of("type", "dense")), "hypergrad.model.layers");
        Model m = schema.build(new int[] {1, 8, 8}, 4, true);
        LearnedNetwork net = random(m, LearnedNetwork.Output.SOFTMAX_CLASSES, images(3, 1, 8, 8, 4), Map.of());
        MultiLayerNetwork back = Dl4jExport.unzip(Dl4jExport.zip(Dl4jExport.toNetwork(net)));
        double diff = Dl4jExport.maxDifference(net, back, net.calibration());
        assertTrue(diff < TOL, "max difference " + diff);
    }

    @Test
    void aNetworkThatDoesNotEndInADenseLayerIsRefusedWithItsDescription() {
        Model m = Model.builder().add("fc1", new Dense(2, 2), Role.INNER).add("act", Activation.TANH).build();
        LearnedNetwork net = random(m, LearnedNetwork.Output.REGRESSION, new Batch(new double[] {1, 2}, new int[] {2}, null, null), Map.of());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Dl4jExport.toNetwork(net));
        assertTrue(e.getMessage().contains("ends in a Dense layer"), e.getMessage());
    }

    private static org.nd4j.linalg.learning.config.IUpdater updaterOf(MultiLayerNetwork n, int layer) {
        return ((BaseLayer) n.getLayerWiseConfigurations().getConf(layer).getLayer()).getIUpdater();
    }

    /** A network with seeded values, batch-norm scales and shifts moved off 1 and 0 so they matter. */
    private static LearnedNetwork random(Model m, LearnedNetwork.Output output, Batch calibration, Map<String, LearnedNetwork.LayerOptimizer> o) {
        ParamLayout layout = m.layout();
        double[] w = layout.initialise(Role.INNER, CounterRng.of(1));
        double[] lambda = layout.initialise(Role.HYPER, CounterRng.of(2));
        CounterRng r = CounterRng.of(3);
        for (ParamLayout.Entry e : layout.entries()) {
            if (e.name().endsWith("/gamma") || e.name().endsWith("/beta")) {
                double[] v = e.role() == Role.INNER ? w : lambda;
                for (int i = 0; i < e.size(); i++) {
                    v[e.offset() + i] += 0.3 * r.nextGaussian();
                }
            }
        }
        return new LearnedNetwork("test", m, layout, w, lambda, output, o, calibration);
    }

    private static Batch images(int n, int c, int h, int w, long seed) {
        CounterRng r = CounterRng.of(seed, 77);
        double[] x = new double[n * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        int[] labels = new int[n];
        return new Batch(x, new int[] {c, h, w}, labels, null);
    }
}
