package io.hypergrad.driver.sweep;

import io.hypergrad.common.config.RunConfig;
import java.util.Map;

/**
 * One run of a sweep.
 *
 * @param name      unique, filesystem-safe; the run's folder under the sweep folder
 * @param overrides the keys this run sets on top of the base config (HOCON literals)
 * @param config    the resolved config
 */
public record SweepRun(String name, Map<String, String> overrides, RunConfig config) {
    /** The run's folder in the sweep folder {@code sweepUri}: where {@code sweep} runs it and where emitted jobs run it. */
    public String folderIn(String sweepUri) {
        return sweepUri + "/" + name;
    }
}
