package io.hypergrad.common.inner;

/**
 * A test hook that poisons the sweeps of the current thread while armed: the loss, the gradient or the
 * Hessian-vector product of every sweep becomes NaN, or the loss is multiplied by 10¹² (an exploding
 * loss), so that the reliability tests can inject numerical faults into real episodes. Disarmed, it costs
 * one thread-local read per sweep.
 */
public final class FaultInjection {
    /** What is poisoned. */
    public enum Kind {
        /** The loss value is NaN. */
        LOSS,
        /** ∇_w L is NaN (so the inner update is). */
        GRADIENT,
        /** H·u is NaN (sweeps with a tangent only). */
        HVP,
        /** The step's hypergradient estimate is NaN (applied by the episode runner, not by sweeps). */
        HYPERGRADIENT,
        /** The loss is 10¹² times its value: finite, but a diverging inner loop by any measure. */
        EXPLODE
    }

    private static final ThreadLocal<Kind> ARMED = new ThreadLocal<>();

    private FaultInjection() {}

    /** Arms the hook on this thread (null disarms it). */
    public static void arm(Kind kind) {
        if (kind == null) {
            ARMED.remove();
        } else {
            ARMED.set(kind);
        }
    }

    /** The armed kind on this thread, or null. */
    public static Kind armed() {
        return ARMED.get();
    }

    static void apply(SweepResult r, boolean tangent) {
        Kind k = ARMED.get();
        if (k == null) {
            return;
        }
        switch (k) {
            case LOSS -> r.loss = Double.NaN;
            case EXPLODE -> r.loss *= 1e12;
            case GRADIENT -> r.gradW[0] = Double.NaN;
            case HVP -> {
                if (tangent) {
                    r.hvpW[0] = Double.NaN;
                    r.hvpLambda[0] = Double.NaN;
                }
            }
            default -> { }
        }
    }
}
