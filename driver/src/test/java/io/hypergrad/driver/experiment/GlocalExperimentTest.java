package io.hypergrad.driver.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.data.Datasets;
import io.hypergrad.driver.output.RunFolder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The glocal experiment at toy size (T = 20 in windows of 10, both λ sizes): in the first window the
 * window-local hypergradient is the global one (the window starts at step 0), so local's cosine to global
 * is 1 to round-off (forward mode against forward mode for small λ, reverse against reverse for large λ:
 * 1e-12); the last window has R = 0, so glocal is h_K there (NOT_APPLICABLE, cosine = local's); and the
 * table, the per-window records and one plot per λ size are written.
 */
class GlocalExperimentTest {
    @Test
    void theFirstWindowIsGlobalAndTheLastIsNotExtrapolated(@TempDir Path tmp) throws Exception {
        String dir = Datasets.dataDir("");
        Assumptions.assumeTrue(Datasets.present(dir, "fashion-mnist"),
                "SKIPPED: Fashion-MNIST is not in " + dir + " (fetch it with: deploy/bin/hypergrad fetch-data)");
        RunConfig base = RunConfig.parse("hypergrad { problem = opt-hpo-fashion, inner.batchSize = 10, outer { optimizer = adam, lr = 0.05 } }");
        var settings = new GlocalExperiment.Settings(20, List.of(10), 50, 0.9, 1.0, List.of(
                new GlocalExperiment.Size("small", "per-layer", "per-layer", 4, 2, List.of(1), List.of(10)),
                new GlocalExperiment.Size("large", "constant", "per-parameter", 2, 5, List.of(1), List.of(10))));
        RunFolder out = new RunFolder(tmp.toString(), new org.apache.hadoop.conf.Configuration());
        String md = GlocalExperiment.run(base, settings, out, new PrintStream(PrintStream.nullOutputStream()));
        assertTrue(md.contains("| small |") && md.contains("| large |"), md);
        List<JsonNode> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.readText("glocal-windows.jsonl").strip().split("\n")) {
            rows.add(json.readTree(line));
        }
        assertEquals(4, rows.size(), "two windows for each λ size");
        for (JsonNode r : rows) {
            if (r.get("window").asInt() == 1) {
                assertEquals(1.0, r.get("cosLocal").asDouble(), 1e-12, r.toString());
            } else {
                assertEquals("NOT_APPLICABLE", r.get("reason").asText(), r.toString());
                assertEquals(r.get("cosLocal").asDouble(), r.get("cosGlocal").asDouble(), 0.0, r.toString());
            }
        }
        assertTrue(out.exists("glocal.md") && out.exists("glocal-small.png") && out.exists("glocal-large.png"));
    }
}
