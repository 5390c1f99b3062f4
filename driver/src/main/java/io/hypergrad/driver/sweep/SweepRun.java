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
public record SweepRun(String name, Map<String, String> overrides, RunConfig config) {}
