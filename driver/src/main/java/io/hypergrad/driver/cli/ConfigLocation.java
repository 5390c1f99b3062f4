package io.hypergrad.driver.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.ConfigFiles;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where {@code run} (and {@code config}) read a config: a local file, or any Hadoop URI — so that a job
 * sent to a cluster can read the {@code config.conf} a sweep wrote into its run folder on shared storage
 * ({@code hdfs://}, {@code s3a://}, a {@code file://} path every node mounts).
 */
final class ConfigLocation {
    private ConfigLocation() {}

    /**
     * The unresolved config at {@code location}. A plain path or a {@code file:} URI is read as a local
     * file, strictly (its includes must exist, see {@link ConfigFiles}); any other scheme is read through
     * Hadoop's FileSystem with {@code hadoop}, and must be self-contained: an {@code include} there is
     * refused, since nothing says where its relative names would point.
     */
    static Config parse(String location, Configuration hadoop) {
        URI uri = schemeOf(location);
        if (uri == null) {
            return ConfigFiles.parse(new File(location));
        }
        if (uri.getScheme().equals("file")) {
            return ConfigFiles.parse(new File(uri.getPath()));
        }
        String text;
        try {
            Path path = new Path(uri);
            FileSystem fs = path.getFileSystem(hadoop);
            if (!fs.isFile(path)) {
                throw new ConfigException("config file " + location + " does not exist");
            }
            try (InputStream in = fs.open(path)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read the config " + location + ": " + e.getMessage());
        }
        try {
            return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(location)
                    .setIncluder(new RefusingIncluder(location)));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(location + ": " + e.getMessage());
        }
    }

    /** The URI when {@code location} names a scheme (two letters or more: {@code C:} is no scheme), else null. */
    private static URI schemeOf(String location) {
        if (!location.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return null;
        }
        try {
            return new URI(location);
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException("config " + location + ": not a valid URI (" + e.getMessage() + ")");
        }
    }

    private record RefusingIncluder(String location) implements ConfigIncluder {
        @Override
        public ConfigIncluder withFallback(ConfigIncluder fallback) {
            return this;
        }

        @Override
        public ConfigObject include(ConfigIncludeContext context, String what) {
            throw new ConfigException(location + ": include \"" + what + "\": a config read from a Hadoop URI must be self-contained"
                    + " (a run folder's config.conf is); copy it to a local file to use includes");
        }
    }
}
