package io.hypergrad.common.random;

/**
 * Counter-based random numbers: every draw is a pure function of a key (run seed, round, task, step, …)
 * and a counter, so the same key gives the same numbers on any machine, thread, partition or retry.
 * The mixing is SplitMix64's finaliser, applied to the key words in order.
 */
public final class CounterRng {
    private final long key;
    private long counter;

    private CounterRng(long key) {
        this.key = key;
    }

    /** A stream keyed by the given words, e.g. {@code of(runSeed, round, task)}. */
    public static CounterRng of(long... words) {
        return new CounterRng(hash(words));
    }

    /** A stream whose key extends this one's by more words, independent of how much of this one was drawn. */
    public CounterRng child(long... words) {
        long[] all = new long[words.length + 1];
        all[0] = key;
        System.arraycopy(words, 0, all, 1, words.length);
        return new CounterRng(hash(all));
    }

    /** The key words folded into one 64-bit value. */
    public static long hash(long... words) {
        long h = 0x9E3779B97F4A7C15L;
        for (long w : words) {
            h = mix(h ^ mix(w + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** How many values were drawn so far (the stream's position, for checkpoints). */
    public long position() {
        return counter;
    }

    /** Moves to a recorded position. */
    public void seek(long position) {
        counter = position;
    }

    /** 64 random bits. */
    public long nextLong() {
        return mix(key + 0x9E3779B97F4A7C15L * ++counter);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long limit = Long.remainderUnsigned(-1L, bound);
        while (true) {
            long r = nextLong();
            if (Long.compareUnsigned(r, -1L - limit) <= 0 || limit == bound - 1) {
                return (int) Long.remainderUnsigned(r, bound);
            }
        }
    }

    /** Standard normal (Box–Muller; uses two uniforms per draw so the position stays predictable). */
    public double nextGaussian() {
        double u1 = nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** k distinct indices from 0..n−1, in random order. */
    public int[] sample(int n, int k) {
        if (k > n) {
            throw new IllegalArgumentException("cannot draw " + k + " of " + n);
        }
        int[] p = permutation(n);
        return java.util.Arrays.copyOf(p, k);
    }
}
