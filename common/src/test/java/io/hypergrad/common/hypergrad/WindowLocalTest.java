package io.hypergrad.common.hypergrad;

import static io.hypergrad.common.hypergrad.Problems.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.hypergrad.Problems.Instance;
import io.hypergrad.common.hypergrad.Problems.Opt;
import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Sgd;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Glocal's local estimator: in a window that starts mid-episode (z_a after a first window, momentum
 * buffers non-zero), {@code local:reverse:S} and {@code local:forward:S} emit the same h_t at every S-th
 * step — to 1e-8 relative, as for {@code reverse} against {@code forward}: the same derivative in two
 * orders, separated only by round-off (≈ 1e-14) — and both equal central finite differences of
 * L_val(w_t) unrolled from z_a held constant, to 1e-6 (the FD error at step 1e-5 is ≈ 1e-10).
 */
class WindowLocalTest {
    private static final int FIRST = 5;
    private static final int TAU = 6;
    private static final int S = 2;

    @ParameterizedTest
    @EnumSource(Opt.class)
    void reverseEqualsForwardEqualsFiniteDifferencesAtEveryEmittedStep(Opt opt) {
        Instance in = Problems.mlp(opt, 11);
        InnerState za = advance(in, FIRST);
        List<double[]> rev = window(in, za, WindowLocal.Mode.REVERSE);
        List<double[]> fwd = window(in, za, WindowLocal.Mode.FORWARD);
        assertEquals(TAU / S, rev.size());
        assertEquals(TAU / S, fwd.size());
        // Finite differences of L_val(w_t) from z_a held constant: the same problem started at z_a.
        Instance fromA = new Instance(in.problem(), in.lambda(), za, t -> in.batches().apply(FIRST + t));
        for (int k = 0; k < rev.size(); k++) {
            double[] fd = fromA.finiteDifference((k + 1) * S);
            assertTrue(relativeError(rev.get(k), fwd.get(k)) <= 1e-8, "row " + k + ": reverse vs forward " + relativeError(rev.get(k), fwd.get(k)));
            assertTrue(relativeError(fd, rev.get(k)) <= 1e-6, "row " + k + ": reverse vs finite differences " + relativeError(fd, rev.get(k)));
        }
    }

    @Test
    void windowLocalIsNotTheGlobalHypergradient() {
        // The window starts afresh: its last row differs from forward mode carried from z_0 through both windows.
        Instance in = Problems.mlp(Opt.SGD_HOOKS, 12);
        Forward global = new Forward();
        global.begin(in.problem(), in.lambda(), in.z0());
        List<double[]> carried = Episode.run(in.problem(), in.lambda(), in.z0(), FIRST + TAU, in.batches(), global).trajectory();
        InnerState za = advance(in, FIRST);
        double[] local = window(in, za, WindowLocal.Mode.FORWARD).get(TAU / S - 1);
        assertTrue(relativeError(local, carried.get(FIRST + TAU - 1)) > 1e-3, "window-local equals global: " + relativeError(local,
                carried.get(FIRST + TAU - 1)));
        double[] fd = new Instance(in.problem(), in.lambda(), in.z0(), in.batches()).finiteDifference(FIRST + TAU);
        assertTrue(relativeError(fd, carried.get(FIRST + TAU - 1)) <= 1e-6, "carried forward vs finite differences");
    }

    @Test
    void reverseCostsTheStepsBackToTheWindowStartPerEmission() {
        Instance in = Problems.mlp(Opt.SGD_HOOKS, 13);
        WindowLocal r = new WindowLocal(WindowLocal.Mode.REVERSE, 3);
        r.begin(in.problem(), in.lambda(), in.z0());
        Episode.run(in.problem(), in.lambda(), in.z0(), 12, in.batches(), r);
        // Emissions at 3, 6, 9, 12 steps into the window: 3 + 6 + 9 + 12 = S·m(m + 1)/2 with S = 3, m = 4.
        assertEquals(30, r.jvps());
        WindowLocal f = new WindowLocal(WindowLocal.Mode.FORWARD, 3);
        f.begin(in.problem(), in.lambda(), in.z0());
        Episode.run(in.problem(), in.lambda(), in.z0(), 12, in.batches(), f);
        assertEquals(12L * in.lambda().length, f.jvps());
    }

    @Test
    void autoChoosesForwardForSmallLambdaAndReverseAboveTheThreshold() {
        Instance small = Problems.mlp(Opt.SGD_HOOKS, 14);
        assertTrue(small.lambda().length <= WindowLocal.AUTO_FORWARD_MAX);
        WindowLocal a = (WindowLocal) Estimators.parse("local").create();
        a.begin(small.problem(), small.lambda(), small.z0());
        assertFalse(a.reverse());
        // The same network with one log weight decay per parameter: |λ| above the threshold.
        Bilevel p = small.problem();
        Sgd perParameter = new Sgd(p.train().layout(), HyperHook.constant("learningRate", 0.1),
                new HyperHook("logWeightDecay", HyperHook.Scope.PER_PARAMETER, HyperHook.Transform.EXP, 0.01), HyperHook.constant("momentum", 0.9));
        Bilevel large = new Bilevel(p.train(), p.val(), perParameter, p.valBatch());
        double[] lambda = new double[large.hyperSize()];
        System.arraycopy(small.lambda(), 0, lambda, 0, large.modelHyperSize());
        perParameter.initialiseHyper(lambda, large.modelHyperSize());
        assertTrue(lambda.length > WindowLocal.AUTO_FORWARD_MAX, "|λ| = " + lambda.length);
        WindowLocal b = (WindowLocal) Estimators.parse("local:auto:2").create();
        b.begin(large, lambda, perParameter.init(small.z0().w));
        assertTrue(b.reverse());
        assertEquals("local:auto:2", b.name());
        assertEquals(2, b.stride());
    }

    @Test
    void namesAreParsedAndBadOnesRefused() {
        assertEquals("local:reverse:10", Estimators.parse("local:reverse:10").create().name());
        assertEquals("local:forward:1", Estimators.parse("local:forward").create().name());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Estimators.parse("local:sideways")).getMessage().contains("auto, forward or reverse"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Estimators.parse("local:reverse:0")).getMessage().contains("S must be"));
    }

    /** z after the episode's first {@code steps} steps with λ. */
    private static InnerState advance(Instance in, int steps) {
        InnerState z = in.z0();
        for (int t = 1; t <= steps; t++) {
            z = in.problem().optimizer().update(z, in.lambda(), in.batches().apply(t), in.problem().train());
        }
        return z;
    }

    private static List<double[]> window(Instance in, InnerState za, WindowLocal.Mode mode) {
        WindowLocal e = new WindowLocal(mode, S);
        e.begin(in.problem(), in.lambda(), za);
        return Episode.run(in.problem(), in.lambda(), za, TAU, in.batches(), e).trajectory();
    }
}
