package io.hypergrad.driver.round;

import io.hypergrad.common.config.RunConfig;

/** The header of a run's {@code config.conf}: what produced it, so the run can be repeated exactly. */
public final class Provenance {
    private Provenance() {}

    /** The project version from the jar manifest, or "dev" when run from classes. */
    public static String version() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The git commit the launcher recorded ({@code -Dhypergrad.gitCommit}), or "unknown". */
    public static String gitCommit() {
        return System.getProperty("hypergrad.gitCommit", "unknown");
    }

    /**
     * A run's {@code config.conf}: this header, then every key's value in force (credentials redacted). What
     * a run records, and what a sweep emitted for a scheduler writes into each run folder for its job to run.
     */
    public static String configFile(RunConfig c) {
        return header(c) + c.resolvedHocon();
    }

    /** Comment lines naming version, commit and seed. */
    public static String header(RunConfig c) {
        return "# hypergrad " + version() + " · git " + gitCommit() + " · seed " + c.get(RunConfig.SEED) + "\n"
                + "# re-run with: deploy/bin/hypergrad run <this file>\n";
    }
}
