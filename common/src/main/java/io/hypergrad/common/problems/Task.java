package io.hypergrad.common.problems;

import io.hypergrad.common.nn.Batch;

/**
 * One task of a meta-learning problem: its mini-batch at each inner step and its validation data. A
 * task is a pure function of (run seed, split, round, task index), so it is the same wherever it is
 * drawn — on any executor, after a retry or a resume.
 */
public interface Task {
    /** D_t for inner step t (1-based). */
    Batch trainBatch(int step);

    /** The validation data of the task (the query set). */
    Batch valBatch();
}
