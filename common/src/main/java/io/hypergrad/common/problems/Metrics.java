package io.hypergrad.common.problems;

import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.LossFunction;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics that fit a loss, from a network's outputs: accuracy and log loss for classifiers (and the
 * ROC AUC for a binary one), RMSE, MAE and R² for regression.
 */
public final class Metrics {
    private Metrics() {}

    /** The metrics of outputs (row-major, {@code width} per row) against the batch's labels or targets. */
    public static Map<String, Double> of(LossFunction loss, double[] outputs, int width, Batch scored) {
        Map<String, Double> m = new LinkedHashMap<>();
        int n = scored.size();
        if (loss.classification()) {
            int[] y = scored.labels();
            m.put("accuracy", accuracy(loss, outputs, width, y));
            double logLoss = 0;
            for (int i = 0; i < n; i++) {
                logLoss -= Math.log(Math.max(1e-300, probabilities(loss, outputs, width, i)[y[i]]));
            }
            m.put("logLoss", logLoss / n);
            if (loss == LossFunction.BINARY_CROSS_ENTROPY || width == 2) {
                double[] score = new double[n];
                for (int i = 0; i < n; i++) {
                    score[i] = probabilities(loss, outputs, width, i)[1];
                }
                m.put("auc", auc(score, y));
            }
        } else {
            double[] t = scored.targets();
            double se = 0;
            double ae = 0;
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += t[i] / n;
            }
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double d = outputs[i] - t[i];
                se += d * d;
                ae += Math.abs(d);
                ss += (t[i] - mean) * (t[i] - mean);
            }
            m.put("rmse", Math.sqrt(se / n));
            m.put("mae", ae / n);
            m.put("r2", ss == 0 ? Double.NaN : 1 - se / ss);
        }
        return m;
    }

    /** The metric a run is judged by, and whether larger is better: accuracy for classifiers, RMSE for regression. */
    public static String headline(LossFunction loss) {
        return loss.classification() ? "accuracy" : "rmse";
    }

    /** The fraction of rows whose predicted class is the label. */
    public static double accuracy(LossFunction loss, double[] outputs, int width, int[] labels) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predictedClass(loss, outputs, width, i) == labels[i]) {
                correct++;
            }
        }
        return correct / (double) labels.length;
    }

    /** The predicted class of row i: the largest logit, or logit > 0 for a binary (one-logit) output. */
    public static int predictedClass(LossFunction loss, double[] outputs, int width, int i) {
        if (width == 1) {
            return outputs[i] > 0 ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (outputs[i * width + j] > outputs[i * width + best]) {
                best = j;
            }
        }
        return best;
    }

    /** Class probabilities of row i: the softmax of its logits, or (1 − σ(z), σ(z)) for a binary output. */
    public static double[] probabilities(LossFunction loss, double[] outputs, int width, int i) {
        if (width == 1) {
            double p = 1 / (1 + Math.exp(-outputs[i]));
            return new double[] {1 - p, p};
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) {
            max = Math.max(max, outputs[i * width + j]);
        }
        double[] p = new double[width];
        double s = 0;
        for (int j = 0; j < width; j++) {
            p[j] = Math.exp(outputs[i * width + j] - max);
            s += p[j];
        }
        for (int j = 0; j < width; j++) {
            p[j] /= s;
        }
        return p;
    }

    /** The ROC AUC of scores for labels 0/1: the probability that a positive outranks a negative (ties count half). */
    public static double auc(double[] score, int[] labels) {
        Integer[] order = new Integer[score.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && score[order[j + 1]] == score[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = score.length - pos;
        return pos == 0 || neg == 0 ? Double.NaN : (rankSum - pos * (pos + 1) / 2.0) / (pos * (double) neg);
    }

    /** counts[true][predicted] over the scored rows. */
    public static long[][] confusion(LossFunction loss, double[] outputs, int width, int[] labels, int classes) {
        long[][] c = new long[classes][classes];
        for (int i = 0; i < labels.length; i++) {
            c[labels[i]][predictedClass(loss, outputs, width, i)]++;
        }
        return c;
    }
}
