package io.hypergrad.common.outer;

/**
 * A named, contiguous range of the flat parameter vector, e.g. ("log_lr/conv1", 0, 1).
 *
 * @param name   what the block is called in reports
 * @param offset index of its first entry, ≥ 0
 * @param length number of entries, ≥ 1
 */
public record Block(String name, int offset, int length) {
    /** Validates the fields. */
    public Block {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a block needs a name");
        }
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException("block '" + name + "' needs offset >= 0 and length >= 1, got "
                    + offset + ", " + length);
        }
    }

    /** One past the last index. */
    public int end() {
        return offset + length;
    }

    /** True if {@code index} falls in this block. */
    public boolean contains(int index) {
        return index >= offset && index < end();
    }
}
