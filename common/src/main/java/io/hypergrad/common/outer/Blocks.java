package io.hypergrad.common.outer;

import java.util.ArrayList;
import java.util.List;

/**
 * The layout of the flat hyperparameter vector as named blocks, used to say <em>where</em> a
 * non-finite value appeared. Blocks must not overlap; indices not covered by any block are reported
 * as {@link #UNNAMED}.
 */
public final class Blocks implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Name reported for indices outside every block. */
    public static final String UNNAMED = "<unnamed>";

    private final List<Block> blocks;

    private Blocks(List<Block> blocks) {
        List<Block> sorted = new ArrayList<>(blocks);
        sorted.sort((a, b) -> Integer.compare(a.offset(), b.offset()));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).offset() < sorted.get(i - 1).end()) {
                throw new IllegalArgumentException("blocks '" + sorted.get(i - 1).name() + "' and '"
                        + sorted.get(i).name() + "' overlap");
            }
        }
        this.blocks = List.copyOf(sorted);
    }

    /** Blocks from explicit (name, offset, length) triples. */
    public static Blocks of(Block... blocks) {
        return new Blocks(List.of(blocks));
    }

    /** A single block covering {@code length} entries, for callers without a layout. */
    public static Blocks single(String name, int length) {
        return of(new Block(name, 0, length));
    }

    /** A builder that lays blocks out back to back from offset 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** The blocks, sorted by offset. */
    public List<Block> list() {
        return blocks;
    }

    /** The block containing {@code index}, or null. */
    public Block locate(int index) {
        int lo = 0;
        int hi = blocks.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Block b = blocks.get(mid);
            if (index < b.offset()) {
                hi = mid - 1;
            } else if (index >= b.end()) {
                lo = mid + 1;
            } else {
                return b;
            }
        }
        return null;
    }

    /** Lays blocks out consecutively: {@code add("log_lr", 3).add("weight_decay", 3)}. */
    public static final class Builder {
        private final List<Block> blocks = new ArrayList<>();
        private int next;

        private Builder() {
        }

        /** Appends a block of {@code length} entries after the previous one. */
        public Builder add(String name, int length) {
            blocks.add(new Block(name, next, length));
            next += length;
            return this;
        }

        /** The layout. */
        public Blocks build() {
            return new Blocks(blocks);
        }
    }
}
