package io.hypergrad.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * The fetched datasets, counted. Skipped, with the reason, when the data folder is absent;
 * {@code deploy/bin/hypergrad test} fetches first, so CI runs them.
 */
class RealDataTest {
    static final String DIR = Datasets.dataDir(null);

    static void requireData(String folder) {
        assumeTrue(Datasets.present(DIR, folder), "SKIPPED: no " + folder + " in " + DIR
                + " — fetch the datasets with: deploy/bin/hypergrad fetch-data");
    }

    static int[] counts(Dataset d) {
        int[] c = new int[d.classes()];
        for (int y : d.labels()) {
            c[y]++;
        }
        return c;
    }

    @Test
    void mnistHasTheCanonicalCounts() {
        requireData("mnist");
        Dataset train = Datasets.load(DIR, "mnist-train");
        Dataset test = Datasets.load(DIR, "mnist-test");
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, counts(train));
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, counts(test));
        assertArrayEquals(new int[] {1, 28, 28}, train.featureShape());
    }

    @Test
    void fashionMnistHasSixThousandAndOneThousandPerClass() {
        requireData("fashion-mnist");
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000},
                counts(Datasets.load(DIR, "fashion-mnist-train")));
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000},
                counts(Datasets.load(DIR, "fashion-mnist-test")));
    }

    @Test
    void quickDrawHas345ClassesOf100() {
        requireData("quickdraw");
        Dataset d = Datasets.load(DIR, "quickdraw");
        assertEquals(345, d.classes());
        for (int c : counts(d)) {
            assertEquals(100, c);
        }
        assertEquals(34_500, d.size());
    }

    @Test
    void sklearnSets() {
        requireData("sklearn");
        assertEquals(150, Datasets.load(DIR, "iris").size());
        assertEquals(178, Datasets.load(DIR, "wine").size());
        assertEquals(569, Datasets.load(DIR, "breast_cancer").size());
        assertEquals(1797, Datasets.load(DIR, "digits").size());
        Dataset diabetes = Datasets.load(DIR, "diabetes");
        assertEquals(442, diabetes.size());
        assertEquals(151.0, diabetes.targets()[0]);
    }
}
