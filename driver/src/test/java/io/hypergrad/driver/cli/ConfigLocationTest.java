package io.hypergrad.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} reads its config from a local path, a {@code file:} URI or any Hadoop file system. */
class ConfigLocationTest {

    /**
     * A Hadoop file system that is not the local one, in-process: a {@code viewfs://} mount table whose one
     * link points at {@code dir}, so the read goes through Hadoop's FileSystem as an {@code hdfs://} one would.
     */
    static Configuration viewOf(Path dir) {
        Configuration c = new Configuration();
        // Each test mounts its own folder: Hadoop's cache of file systems would hand back the first mount table.
        c.setBoolean("fs.viewfs.impl.disable.cache", true);
        c.set("fs.viewfs.mounttable.shared.link./sweeps", dir.toUri().toString());
        return c;
    }

    @Test
    void aConfigIsReadFromAPathAFileUriOrAHadoopUriAlike(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("config.conf"), "# written by a sweep\nhypergrad.problem = \"sinusoid\"\nhypergrad.rounds = 7\n");
        Configuration hadoop = viewOf(tmp);
        for (String location : new String[] {tmp.resolve("config.conf").toString(), tmp.resolve("config.conf").toUri().toString(),
                "viewfs://shared/sweeps/config.conf"}) {
            RunConfig c = RunConfig.of(ConfigLocation.parse(location, hadoop));
            assertEquals(7, c.get(RunConfig.ROUNDS), location);
        }
    }

    @Test
    void aMissingOrIncludingRemoteConfigIsRefusedByName(@TempDir Path tmp) throws Exception {
        Configuration hadoop = viewOf(tmp);
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLocation.parse("viewfs://shared/sweeps/nope.conf", hadoop));
        assertTrue(missing.getMessage().contains("viewfs://shared/sweeps/nope.conf") && missing.getMessage().contains("does not exist"),
                missing.getMessage());
        // A relative include has no folder to resolve against on a remote file system: refused, never silently skipped.
        Files.writeString(tmp.resolve("inc.conf"), "include \"base.conf\"\nhypergrad.rounds = 3\n");
        ConfigException include = assertThrows(ConfigException.class, () -> ConfigLocation.parse("viewfs://shared/sweeps/inc.conf", hadoop));
        assertTrue(include.getMessage().contains("include \"base.conf\"") && include.getMessage().contains("self-contained"), include.getMessage());
    }
}
