package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Ops;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.random.CounterRng;
import java.util.List;

/**
 * Inverted dropout: in training mode each element is kept with probability 1 − rate and scaled by
 * 1/(1 − rate), so inference needs no rescaling; in inference mode the layer is the identity. It has no
 * parameters, so a training and an inference model share one {@link ParamLayout}.
 *
 * <p>The mask is a pure function of (a stable hash of the network's input values, the layer's name),
 * drawn from {@link CounterRng}; never of a clock or of a counter that advances per call. Why: a
 * hypergradient replays inner steps (reverse mode, DrMAD, HyperDistill's distilled point, a retried
 * Spark task), and every replay of step t must see the same function Φ(·, λ; D_t) — so the mask belongs
 * to the batch D_t, whose identity is its input values. The mask is a constant on the tape, so the
 * layer is exactly linear in its input and second order stays exact. Consequences: two different
 * batches get independent masks; the same batch gets the same mask every time it is seen (a full-batch
 * inner loop trains one fixed thinned network, not a fresh one per step); two dropout layers differ by
 * name.
 */
public final class Dropout implements Layer {
    /** Separates dropout's random streams from every other user of {@link CounterRng}. */
    private static final long DOMAIN = 0x64726F706F7574L; // "dropout"

    private final double rate;
    private final boolean training;

    /**
     * @param rate     probability of dropping an element, in [0, 1)
     * @param training false makes the layer the identity (inference)
     */
    public Dropout(double rate, boolean training) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
        this.training = training;
    }

    /** The probability of dropping an element. */
    public double rate() {
        return rate;
    }

    /** Whether masks are drawn (false: the identity). */
    public boolean training() {
        return training;
    }

    /** The same layer in inference mode. */
    public Dropout inference() {
        return training ? new Dropout(rate, false) : this;
    }

    @Override
    public List<ParamSpec> params() {
        return List.of();
    }

    /**
     * In inference mode, x. In training mode the mask needs the network's input, which this signature
     * does not carry: run the layer through {@link Model#forward}, which passes it.
     */
    @Override
    public Var forward(Var x, Bound p, String prefix) {
        if (!active()) {
            return x;
        }
        throw new IllegalStateException("dropout layer " + prefix + " keys its mask by the network's input: run it through Model.forward");
    }

    @Override
    public Var forward(Var x, Bound p, String prefix, long inputKey) {
        if (!active()) {
            return x;
        }
        return Ops.mul(x, x.tape().constant(mask(inputKey, prefix, x.size()), x.shape()));
    }

    private boolean active() {
        return training && rate > 0;
    }

    /**
     * The mask (0 or 1/(1 − rate) per element) of the layer named {@code name} for the input with key
     * {@code inputKey} (see {@link #inputKey}).
     */
    public double[] mask(long inputKey, String name, int size) {
        CounterRng rng = CounterRng.of(DOMAIN, inputKey, nameKey(name));
        double keep = 1.0 / (1.0 - rate);
        double[] m = new double[size];
        for (int i = 0; i < size; i++) {
            m[i] = rng.nextDouble() < rate ? 0.0 : keep;
        }
        return m;
    }

    /**
     * A stable 64-bit identity of a batch's inputs: every value's bits (−0.0 and 0.0 alike, every NaN
     * alike) and the shape, folded in order. The same values give the same key on any JVM; equal keys for
     * different batches are as likely as a 64-bit collision, and would only share a mask.
     */
    public static long inputKey(Var input) {
        double[] v = input.v;
        int off = input.offset();
        long h = CounterRng.hash(input.shape().length);
        for (int d : input.shape()) {
            h = h * 0x9E3779B97F4A7C15L + d;
        }
        for (int i = 0; i < input.size(); i++) {
            double x = v[off + i] == 0.0 ? 0.0 : v[off + i];
            h = (h ^ Double.doubleToLongBits(x)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return CounterRng.hash(h, input.size());
    }

    private static long nameKey(String name) {
        long h = 0;
        for (int i = 0; i < name.length(); i++) {
            h = h * 31 + name.charAt(i);
        }
        return CounterRng.hash(h, name.length());
    }

    @Override
    public String describe() {
        return "Dropout(" + rate + (training ? "" : ", inference") + ")";
    }
}
