package io.hypergrad.common.outer;

/**
 * Where a non-finite value was found: the first offending entry of an incoming hypergradient.
 *
 * @param step         the optimiser step at which the update was attempted (updates applied before it)
 * @param block        name of the parameter block holding the entry ({@link Blocks#UNNAMED} if none)
 * @param index        index in the flat vector
 * @param indexInBlock index relative to the block's offset (equal to index when unnamed)
 * @param value        the value (NaN, +∞ or −∞)
 * @param count        how many entries of the vector are non-finite in total
 * @param policy       what the guard did about it
 */
public record NonFiniteEvent(long step, String block, int index, int indexInBlock, double value, int count,
                             NonFinitePolicy policy) {
    /** A one-line description, e.g. {@code step 12: log_lr[3] (index 7) = NaN; 2 non-finite entries}. */
    public String describe() {
        return "step " + step + ": " + block + "[" + indexInBlock + "] (index " + index + ") = " + value + "; "
                + count + " non-finite entr" + (count == 1 ? "y" : "ies");
    }
}
