package io.hypergrad.driver.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RELIABILITY.md is counted from the drills' outcomes, never typed in. */
class FaultBenchTest {
    @Test
    void theTableCountsEveryOutcomeAndRecordsTheLoadRun(@TempDir Path tmp) throws Exception {
        List<FaultDrills.Outcome> outcomes = List.of(new FaultDrills.Outcome("SIGTERM stop and resume", true, ""),
                new FaultDrills.Outcome("SIGTERM stop and resume", false, "lost"),
                new FaultDrills.Outcome("second writer into a running folder", true, ""));
        LoadBench.Result load = new LoadBench.Result(16, 8, "local[2]", 100.0, 40.0, 16, 16, List.of());
        BadInputCorpus.Result corpus = new BadInputCorpus.Result(0, 0, List.of(), List.of());
        Path doc = tmp.resolve("RELIABILITY.md");
        FaultBench.writeTable(doc, FaultBench.table(outcomes), 10, 3, 15, 5, load, corpus, true);
        String text = Files.readString(doc);
        assertTrue(text.contains("`deploy/bin/hypergrad bench faults --injections 10 --numeric 3`"), text);
        assertTrue(text.contains("| SIGTERM stop and resume | 2 | 1 |"), text);
        assertTrue(text.contains("| second writer into a running folder | 1 | 1 |"), text);
        assertTrue(text.contains("Driver kills in all: 15 at random points (3 per run) and 5 inside a checkpoint write."), text);
        assertTrue(text.contains("| 16 | 1 | 100.0 s | 16 | — |") && text.contains("| 16 | 8 | 40.0 s | 16 | 16 |"), text);
        assertTrue(text.contains("Throughput 2.50×") && !text.contains("Partial"), text);
    }

    @Test
    void aPassCutShortSaysSoAndWhatItDidNotReach(@TempDir Path tmp) throws Exception {
        Path doc = tmp.resolve("RELIABILITY.md");
        FaultBench.writeTable(doc, FaultBench.table(List.of(new FaultDrills.Outcome("SIGINT stop and resume", true, ""))),
                10, 3, 15, 5, null, null, false);
        String text = Files.readString(doc);
        assertTrue(text.contains("**Partial.**") && text.contains("| SIGINT stop and resume | 1 | 1 |"), text);
        assertTrue(text.contains("## Load\n\nNot reached in this pass.") && text.contains("leave no new file behind.\n\nNot reached in this pass."), text);
    }
}
