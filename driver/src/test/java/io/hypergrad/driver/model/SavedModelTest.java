package io.hypergrad.driver.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypergrad.common.data.DatasetException;
import io.hypergrad.common.data.FeatureColumn;
import io.hypergrad.common.problems.InnerTraining;
import io.hypergrad.driver.output.RunFolder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saved network's format: version 2 keeps a group-mode network's adaptation; version 1 files still read. */
class SavedModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SavedModel network(GroupAdaptation adaptation) {
        List<Map<String, Object>> layers = List.of(Map.of("type", "dense"));
        return new SavedModel(SavedModel.VERSION, layers, "mse", new int[] {1}, 1, "y", List.of(new FeatureColumn("x", FeatureColumn.Kind.NUMBER, 1)),
                List.of("x"), List.of(), new double[] {0.5}, new double[] {2}, new double[] {0.1, -0.2}, new double[0], 3, 4, adaptation);
    }

    @Test
    void aGroupModeNetworkRoundTripsWithItsAdaptation(@TempDir Path tmp) {
        InnerTraining training = new InnerTraining(List.of(Map.of("type", "dense")), "mse", new int[] {1}, 1, 0, 0.1, 0, 0.9, "per-layer",
                "constant", "constant", 10, 5);
        SavedModel saved = network(new GroupAdaptation("country", 7, new double[] {-2.3, -2.2}, training));
        RunFolder folder = new RunFolder(tmp.toUri().toString(), new Configuration());
        saved.save(folder);
        SavedModel read = SavedModel.read(folder);
        assertTrue(read.groupMode());
        assertEquals("country", read.adaptation().group());
        assertArrayEquals(new double[] {-2.3, -2.2}, read.adaptation().lambda());
        assertEquals(10, read.adaptation().training().steps());
        assertArrayEquals(saved.adaptation().key("Chad"), read.adaptation().key("Chad"), "a group's stream is named by its name");
        assertFalse(java.util.Arrays.equals(read.adaptation().key("Chad"), read.adaptation().key("Peru")));
    }

    @Test
    void versionOneStillReadsAsAnHpoNetworkAndANewerVersionIsRefused(@TempDir Path tmp) throws Exception {
        RunFolder folder = new RunFolder(tmp.toUri().toString(), new Configuration());
        network(null).save(folder);
        Path file = tmp.resolve(SavedModel.FILE);
        ObjectNode v1 = (ObjectNode) JSON.readTree(file.toFile());
        v1.remove("adaptation");
        v1.put("version", 1);
        folder.writeAtomically(SavedModel.FILE, JSON.writeValueAsBytes(v1));
        SavedModel read = SavedModel.read(folder);
        assertEquals(1, read.version());
        assertFalse(read.groupMode());
        assertArrayEquals(new double[] {0.1, -0.2}, read.w());

        v1.put("version", SavedModel.VERSION + 1);
        folder.writeAtomically(SavedModel.FILE, JSON.writeValueAsBytes(v1));
        DatasetException newer = assertThrows(DatasetException.class, () -> SavedModel.read(folder));
        assertTrue(newer.getMessage().contains("this build reads 1 to " + SavedModel.VERSION), newer.getMessage());
    }
}
