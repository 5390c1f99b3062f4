package io.hypergrad.common.hypergrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hypergrad.common.hypergrad.Problems.Instance;
import io.hypergrad.common.hypergrad.Problems.Opt;
import io.hypergrad.common.inner.Fixtures;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** HyperDistill over a continuing episode cut into windows, and its distilled batch D*. */
class HyperDistillWindowsTest {
    private static final int T = 23;

    /** Fresh examples at every step, as a mini-batch sampler gives them. */
    private static final IntFunction<Batch> FRESH = t -> Fixtures.batch(6, 500 + t);

    private static List<double[]> uncut(Instance in, IntFunction<Batch> batches) {
        HyperDistill hd = new HyperDistill(0.9, 0.7, 42);
        hd.begin(in.problem(), in.lambda(), in.z0());
        return Episode.run(in.problem(), in.lambda(), in.z0(), T, batches, hd).trajectory();
    }

    /**
     * The episode in windows of the given lengths, each by a fresh estimator made with another θ and seed
     * (as a later round's would be), resumed from the last window's carry after a serialisation round trip.
     */
    private static List<double[]> cut(Instance in, IntFunction<Batch> batches, int... windows) throws Exception {
        List<double[]> all = new ArrayList<>();
        InnerState z = in.z0();
        DistilledPoint carried = null;
        for (int k = 0; k < windows.length; k++) {
            HyperDistill hd = new HyperDistill(0.9, k == 0 ? 0.7 : 3.0, k == 0 ? 42 : 1000 + k);
            if (carried == null) {
                hd.begin(in.problem(), in.lambda(), z);
            } else {
                hd.resume(in.problem(), in.lambda(), z, carried, batches);
            }
            Episode.Window w = Episode.run(in.problem(), in.lambda(), z, windows[k], batches, hd);
            all.addAll(w.trajectory());
            z = roundTrip(w.state());
            carried = roundTrip(hd.carry());
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @ParameterizedTest
    @EnumSource(Opt.class)
    void anEpisodeCutIntoWindowsGivesTheUncutTrajectoryBitForBit(Opt opt) throws Exception {
        Instance in = Problems.mlp(opt, 31);
        for (IntFunction<Batch> batches : List.of(FRESH, in.batches())) {
            List<double[]> whole = uncut(in, batches);
            List<double[]> windows = cut(in, batches, 1, 7, 7, 8);
            assertEquals(T, windows.size());
            for (int t = 0; t < T; t++) {
                assertArrayEquals(whole.get(t), windows.get(t), 0.0, "step " + (t + 1));
            }
        }
    }

    @Test
    void theCarryNamesExamplesByStepAndRowNotCopies() {
        Instance in = Problems.mlp(Opt.SGD, 32);
        HyperDistill hd = new HyperDistill(0.9, 1.0, 7);
        hd.begin(in.problem(), in.lambda(), in.z0());
        assertNull(hd.carry(), "nothing to carry before the first step");
        Episode.run(in.problem(), in.lambda(), in.z0(), 12, FRESH, hd);
        DistilledPoint p = hd.carry();
        assertEquals(12, p.t());
        Batch d = hd.distilled().batch();
        assertEquals(d.size(), p.steps().length);
        for (int i = 0; i < d.size(); i++) {
            Batch source = FRESH.apply(p.steps()[i]);
            assertArrayEquals(source.select(new int[] {p.rows()[i]}).x(), d.select(new int[] {i}).x(), 0.0, "example " + i);
        }
    }

    @Test
    void whenEveryBatchIsTheSameFullBatchTheDistilledBatchIsThatBatch() {
        Instance in = Problems.mlp(Opt.SGD_MOMENTUM_WD, 33);
        Batch full = Fixtures.batch(10, 77);
        HyperDistill hd = new HyperDistill(0.9, 1.0, 8);
        hd.begin(in.problem(), in.lambda(), in.z0());
        InnerState z = in.z0();
        for (int t = 1; t <= 15; t++) {
            z = Episode.run(in.problem(), in.lambda(), z, 1, s -> full, hd).state();
            Batch d = hd.distilled().batch();
            assertEquals(full.size(), d.size(), "step " + t);
            for (int i = 0; i < full.size(); i++) {
                int copies = 0;
                for (int j = 0; j < d.size(); j++) {
                    if (java.util.Arrays.equals(full.select(new int[] {i}).x(), d.select(new int[] {j}).x())) {
                        copies++;
                    }
                }
                assertEquals(1, copies, "step " + t + ": example " + i + " of D in D*");
            }
        }
    }

    @Test
    void estimatorsThatCarryNothingRefuseToResume() {
        Instance in = Problems.mlp(Opt.SGD, 34);
        OneStep one = new OneStep();
        assertNull(one.carry());
        HyperDistill hd = new HyperDistill(0.5, 1.0, 1);
        hd.begin(in.problem(), in.lambda(), in.z0());
        Episode.run(in.problem(), in.lambda(), in.z0(), 3, FRESH, hd);
        DistilledPoint p = hd.carry();
        assertThrows(IllegalArgumentException.class, () -> one.resume(in.problem(), in.lambda(), in.z0(), p, FRESH));
    }
}
