package io.hypergrad.workers.episode;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.ProblemFactory;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link MetaProblem} per executor JVM and config: a problem loads its dataset once, and every task
 * of every round on that executor shares it.
 */
public final class ProblemCache {
    private static final ConcurrentHashMap<String, MetaProblem> PROBLEMS = new ConcurrentHashMap<>();

    private ProblemCache() {}

    /** The problem of a config, built on first use in this JVM. */
    public static MetaProblem get(RunConfig config) {
        return PROBLEMS.computeIfAbsent(config.resolvedHocon(), k -> ProblemFactory.create(config));
    }
}
