package io.hypergrad.common.outer;

/** What the {@link NonFiniteGuard} does when an incoming hypergradient holds NaN or ±∞. */
public enum NonFinitePolicy {
    /** Throw a {@link NonFiniteException} naming the step, block, index and value. */
    FAIL,
    /** Leave parameters and optimiser state as they are (zero delta, step not advanced); count it. */
    SKIP,
    /** Replace NaN by 0 and ±∞ by ±limit, then update as usual; count the update and the values. */
    CLIP
}
