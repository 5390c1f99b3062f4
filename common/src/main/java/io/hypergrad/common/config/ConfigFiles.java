package io.hypergrad.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;

/**
 * Reads HOCON config files strictly: the file must exist, and so must every file it {@code include}s
 * (HOCON itself silently ignores a missing include, which would run a job on defaults the user never
 * chose). Relative includes resolve against the including file's folder; every problem is a
 * {@link ConfigException} naming the file.
 */
public final class ConfigFiles {
    private ConfigFiles() {}

    /** The unresolved config of a file, with its includes. */
    public static Config parse(File f) {
        if (!f.isFile()) {
            throw new ConfigException("config file " + f.getPath() + " does not exist");
        }
        try {
            return ConfigFactory.parseFile(f, options(f));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(f.getPath() + ": " + e.getMessage());
        }
    }

    private static ConfigParseOptions options(File f) {
        return ConfigParseOptions.defaults().setAllowMissing(false).setIncluder(new StrictIncluder(f.getAbsoluteFile().getParentFile(), f));
    }

    /** Resolves {@code include "name"} against the including file's folder and refuses a missing file. */
    private static final class StrictIncluder implements ConfigIncluder {
        private final File dir;
        private final File including;
        private ConfigIncluder fallback;

        StrictIncluder(File dir, File including) {
            this.dir = dir;
            this.including = including;
        }

        @Override
        public ConfigIncluder withFallback(ConfigIncluder fallback) {
            this.fallback = fallback;
            return this;
        }

        @Override
        public ConfigObject include(ConfigIncludeContext context, String what) {
            if (what.contains("://") || what.startsWith("classpath:")) {
                return fallback.include(context, what);
            }
            File f = new File(what);
            if (!f.isAbsolute()) {
                f = new File(dir, what);
            }
            if (!f.isFile()) {
                String name = f.getName();
                boolean baseName = !name.contains(".");
                if (baseName && (new File(f.getPath() + ".conf").isFile() || new File(f.getPath() + ".json").isFile()
                        || new File(f.getPath() + ".properties").isFile())) {
                    return fallback.include(context, what);
                }
                throw new ConfigException(including.getPath() + ": include \"" + what + "\": no such file " + f.getPath());
            }
            return ConfigFactory.parseFile(f, options(f)).root();
        }
    }
}
