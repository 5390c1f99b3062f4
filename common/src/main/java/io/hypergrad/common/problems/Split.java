package io.hypergrad.common.problems;

/** Which part of the task distribution a task is drawn from; their classes (or seeds) are disjoint. */
public enum Split {
    META_TRAIN, META_VAL, META_TEST;

    /** A distinct counter word per split, so tasks of different splits never share random streams. */
    public long key() {
        return 0x5EED_0000L + ordinal();
    }
}
