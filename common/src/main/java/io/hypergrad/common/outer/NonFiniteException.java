package io.hypergrad.common.outer;

/**
 * A hypergradient held NaN or ±∞ under {@link NonFinitePolicy#FAIL}. The message names the step,
 * the parameter block, the index and the value; the fields are available for programs.
 */
public final class NonFiniteException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final NonFiniteEvent event;

    /** An exception for this event. */
    public NonFiniteException(NonFiniteEvent event) {
        super("non-finite hypergradient at outer " + event.describe());
        this.event = event;
    }

    /** The full event. */
    public NonFiniteEvent event() {
        return event;
    }

    /** The optimiser step at which the update was attempted. */
    public long step() {
        return event.step();
    }

    /** Name of the block holding the first non-finite entry. */
    public String block() {
        return event.block();
    }

    /** Flat index of the first non-finite entry. */
    public int index() {
        return event.index();
    }

    /** Its value. */
    public double value() {
        return event.value();
    }
}
