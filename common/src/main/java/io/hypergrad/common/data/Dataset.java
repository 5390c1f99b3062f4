package io.hypergrad.common.data;

import java.util.Arrays;
import java.util.List;

/**
 * A dataset in memory, compactly: features as {@code float[]} (n × feature size, row-major) with
 * integer labels (classification) or real targets (regression), the shape of one example, and the
 * class names.
 *
 * @param name         where it came from, for messages
 * @param x            features, row-major
 * @param featureShape the shape of one example, e.g. {1, 28, 28}
 * @param labels       class labels in [0, classes), or null
 * @param targets      regression targets (one per example), or null
 * @param classNames   class names by label (empty for regression)
 */
public record Dataset(String name, float[] x, int[] featureShape, int[] labels, double[] targets, List<String> classNames) {
    public Dataset {
        int f = featureSize(featureShape);
        if (f == 0 || x.length % f != 0) {
            throw new IllegalArgumentException(name + ": " + x.length + " values are not whole examples of shape " + Arrays.toString(featureShape));
        }
        int n = x.length / f;
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + n + " examples");
        }
        if (targets != null && targets.length != n) {
            throw new IllegalArgumentException(name + ": " + targets.length + " targets for " + n + " examples");
        }
        classNames = List.copyOf(classNames);
    }

    /** Number of examples. */
    public int size() {
        return x.length / featureSize();
    }

    /** Values per example. */
    public int featureSize() {
        return featureSize(featureShape);
    }

    /** Number of classes (0 for regression). */
    public int classes() {
        return classNames.size();
    }

    /** Indices of the examples of each class, in order. */
    public int[][] indicesByClass() {
        int[] counts = new int[classes()];
        for (int y : labels) {
            counts[y]++;
        }
        int[][] out = new int[classes()][];
        for (int c = 0; c < out.length; c++) {
            out[c] = new int[counts[c]];
        }
        int[] fill = new int[classes()];
        for (int i = 0; i < labels.length; i++) {
            out[labels[i]][fill[labels[i]]++] = i;
        }
        return out;
    }

    /** Example i's features, widened to double, into {@code out} at {@code off}. */
    public void copyExample(int i, double[] out, int off) {
        int f = featureSize();
        for (int k = 0; k < f; k++) {
            out[off + k] = x[i * f + k];
        }
    }

    static int featureSize(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
