package io.hypergrad.common.inner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A steady-state sweep allocates no arrays: every buffer comes back from the tape's pool, parameters are
 * views of the flat w and λ, and shapes are kept by the tape. What it does allocate is a bounded, small
 * number of objects — one value and one adjoint rule per recorded op, the same for any batch size.
 */
class LossAllocationTest {
    private static final int WARM_UP = 300;
    private static final int SWEEPS = 100;

    /**
     * An MLP sweep records 15 values (the input, 6 parameter leaves, 3 products, 2 fused bias +
     * activation ops, a bias, the per-example losses and their mean) and 8 adjoint rules: about 1.4 KB
     * of objects (≤ 64 bytes each) per sweep, measured. 3 KB is that with room for a JVM that lays
     * objects out more loosely, and is less than one array of the batch-100 run's activations (100 × 16
     * doubles = 12.8 KB).
     */
    private static final long MAX_BYTES_PER_SWEEP = 3 * 1024;

    /**
     * No array may be allocated, so the batch size must not change what a sweep allocates. The smallest
     * array that grows with it, the per-example losses, grows by 720 bytes from batch 10 to batch 100;
     * 64 bytes absorbs the odd object the JIT does not scalar-replace in one run but does in the other.
     */
    private static final long MAX_DIFFERENCE_ACROSS_BATCH_SIZES = 64;

    @Test
    void aRepeatedGradientSweepAllocatesNoArraysAndFewObjects() {
        assertSteadyStateAllocation(false);
    }

    @Test
    void aRepeatedGradientAndHessianVectorProductSweepAllocatesNoArraysAndFewObjects() {
        assertSteadyStateAllocation(true);
    }

    private static void assertSteadyStateAllocation(boolean withTangent) {
        long small = bytesPerSweep(10, withTangent);
        long large = bytesPerSweep(100, withTangent);
        String what = (withTangent ? "gradient + HVP" : "gradient") + " sweep: " + small + " B at batch 10, " + large + " B at batch 100";
        assertTrue(large <= MAX_BYTES_PER_SWEEP, what + "; bound " + MAX_BYTES_PER_SWEEP);
        assertTrue(Math.abs(large - small) <= MAX_DIFFERENCE_ACROSS_BATCH_SIZES, what + ": allocation grows with the batch");
    }

    /** Mean bytes allocated by this thread per sweep, after warm-up (so the JIT has compiled the sweep). */
    private static long bytesPerSweep(int batchSize, boolean withTangent) {
        // λ is the first layer, so leaves of both blocks are bound and both gradients written.
        Model model = Model.mlp(new int[] {20, 16, 16, 3}, Activation.TANH, 1);
        Loss loss = new Loss(model.layout(), Objectives.crossEntropy(model));
        double[] w = model.layout().initialise(Role.INNER, CounterRng.of(1));
        double[] lambda = model.layout().initialise(Role.HYPER, CounterRng.of(2));
        double[] u = withTangent ? Fixtures.gaussian(w.length, 3) : null;
        Batch batch = batch(batchSize);
        for (int i = 0; i < WARM_UP; i++) {
            loss.sweep(w, u, lambda, batch);
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < SWEEPS; i++) {
            loss.sweep(w, u, lambda, batch);
        }
        return (threads.getCurrentThreadAllocatedBytes() - before) / SWEEPS;
    }

    private static Batch batch(int n) {
        CounterRng rng = CounterRng.of(4);
        double[] x = new double[n * 20];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(3);
        }
        return new Batch(x, new int[] {20}, y, null);
    }
}
