package io.hypergrad.common.data;

import io.hypergrad.common.random.CounterRng;
import java.util.Arrays;

/**
 * Disjoint meta-train / meta-validation / meta-test class sets, drawn by a seeded permutation of the
 * classes (e.g. QuickDraw's 345 classes as 245 / 50 / 50).
 *
 * @param train meta-train classes (sorted)
 * @param val   meta-validation classes (sorted)
 * @param test  meta-test classes (sorted)
 */
public record ClassSplit(int[] train, int[] val, int[] test) {

    /** Splits {@code classes} classes into the given counts with a permutation keyed by the seed. */
    public static ClassSplit of(int classes, int nTrain, int nVal, int nTest, long seed) {
        if (nTrain < 1 || nVal < 0 || nTest < 0 || nTrain + nVal + nTest > classes) {
            throw new IllegalArgumentException("cannot split " + classes + " classes into " + nTrain + " / " + nVal + " / " + nTest);
        }
        int[] p = CounterRng.of(seed, 0xC1A55).permutation(classes);
        int[] tr = Arrays.copyOfRange(p, 0, nTrain);
        int[] va = Arrays.copyOfRange(p, nTrain, nTrain + nVal);
        int[] te = Arrays.copyOfRange(p, nTrain + nVal, nTrain + nVal + nTest);
        Arrays.sort(tr);
        Arrays.sort(va);
        Arrays.sort(te);
        return new ClassSplit(tr, va, te);
    }

    /** Proportional split (e.g. 0.71 / 0.145 / 0.145 of 345 gives 245 / 50 / 50). */
    public static ClassSplit proportional(int classes, double fTrain, double fVal, long seed) {
        int nVal = (int) Math.round(classes * fVal);
        int nTrain = (int) Math.round(classes * fTrain);
        return of(classes, nTrain, nVal, classes - nTrain - nVal, seed);
    }
}
