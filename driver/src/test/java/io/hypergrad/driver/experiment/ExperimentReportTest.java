package io.hypergrad.driver.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.sweep.SweepRun;
import io.hypergrad.driver.sweep.SweepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment table read from run outputs: a regression sweep (no accuracies, as sinusoid) is tabled
 * and plotted by its meta-test loss, with the paper's numbers and the memory column beside ours.
 */
class ExperimentReportTest {
    @Test
    void regressionSweepsAreTabledByLossWithThePaperAndMemoryColumns(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("base.conf"), "hypergrad { problem = sinusoid, rounds = 2 }");
        Files.writeString(tmp.resolve("s.conf"), """
                sweep { name = t, base = base.conf, grid { "hypergrad.estimator" = ["fo", "one-step"], "hypergrad.seed" = [0, 1] } }
                """);
        SweepSpec spec = SweepSpec.load(tmp.resolve("s.conf").toFile());
        RunFolder sweep = new RunFolder(tmp.resolve("out").toString(), new org.apache.hadoop.conf.Configuration());
        for (int i = 0; i < 4; i++) {
            SweepRun r = spec.runs().get(i);
            // fo: 0.5 and 0.7 for seeds 0 and 1; one-step: 0.2 and 0.4.
            double learned = (r.config().get(io.hypergrad.common.config.RunConfig.ESTIMATOR).equals("fo") ? 0.5 : 0.2)
                    + 0.2 * r.config().get(io.hypergrad.common.config.RunConfig.SEED);
            RunFolder f = new RunFolder(sweep.uri() + "/" + r.name(), new org.apache.hadoop.conf.Configuration());
            f.writeText("summary.json", String.format(java.util.Locale.ROOT, "{\"metaTest\":{\"tasks\":10,"
                    + "\"learned\":{\"loss\":%s,\"lossCi95\":0.1,\"accuracy\":null,\"accuracyCi95\":null},"
                    + "\"initial\":{\"loss\":4.0,\"lossCi95\":0.3,\"accuracy\":null,\"accuracyCi95\":null}}}", learned));
            f.writeText("metrics.jsonl", "{\"jvps\":30,\"taskSeconds\":1.0,\"episodes\":10}\n{\"jvps\":30,\"taskSeconds\":3.0,\"episodes\":10}\n");
        }
        String md = ExperimentReport.write(spec, sweep, new ExperimentReport.Reference("Table 4", Map.of("fo", 0.567, "one-step", 0.67)),
                Map.of("fo", 1.25, "one-step", 2.5));
        String[] lines = md.strip().split("\n");
        assertEquals(4, lines.length, md);
        assertTrue(lines[0].contains("meta-test loss (learned λ)") && lines[0].contains("paper: Table 4")
                && lines[0].contains("peak live heap"), lines[0]);
        assertEquals(lines[0].chars().filter(c -> c == '|').count(), lines[1].chars().filter(c -> c == '|').count(), "separator matches header");
        // fo: seeds 0.5 and 0.7 → mean 0.6, s.d. 0.1414; 3 JVPs and 0.2 s per inner optimisation.
        assertEquals("| fo | 2 | 0.6000 | 0.1000 | 0.1414 | 0.567 | 4.0000 | 3.0 | 0.200 | 1.25 |", lines[2]);
        assertEquals("| one-step | 2 | 0.3000 | 0.1000 | 0.1414 | 0.67 | 4.0000 | 3.0 | 0.200 | 2.50 |", lines[3]);
        assertTrue(sweep.exists("results.png"));
    }

    @Test
    void skippedEpisodesAndKoopmanFallbacksGetColumnsOnlyWhenTheyHappened(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("base.conf"), "hypergrad { problem = sinusoid, rounds = 2 }");
        Files.writeString(tmp.resolve("s.conf"), """
                sweep { name = t, base = base.conf, grid { cases = [ { "hypergrad.estimator" = one-step },
                  { "hypergrad.estimator" = "hyperdistill:0.99", "hypergrad.aggregator" = koopman } ] } }
                """);
        SweepSpec spec = SweepSpec.load(tmp.resolve("s.conf").toFile());
        RunFolder sweep = new RunFolder(tmp.resolve("out").toString(), new org.apache.hadoop.conf.Configuration());
        String[] metrics = {
            "{\"jvps\":30,\"taskSeconds\":1.0,\"episodes\":8,\"skippedTasks\":2}\n{\"jvps\":30,\"taskSeconds\":1.0,\"episodes\":9,\"skippedTasks\":1}\n",
            "{\"jvps\":30,\"taskSeconds\":1.0,\"episodes\":10,\"koopman\":{\"fallback\":true}}\n"
                    + "{\"jvps\":30,\"taskSeconds\":1.0,\"episodes\":10,\"koopman\":{\"fallback\":false}}\n"};
        for (int i = 0; i < 2; i++) {
            RunFolder f = new RunFolder(sweep.uri() + "/" + spec.runs().get(i).name(), new org.apache.hadoop.conf.Configuration());
            f.writeText("summary.json", "{\"metaTest\":{\"tasks\":10,\"learned\":{\"loss\":0.5,\"lossCi95\":0.1},"
                    + "\"initial\":{\"loss\":4.0,\"lossCi95\":0.3}}}");
            f.writeText("metrics.jsonl", metrics[i]);
        }
        String[] lines = ExperimentReport.write(spec, sweep).strip().split("\n");
        assertTrue(lines[0].endsWith("| skipped (diverged) episodes | Koopman fallbacks / rounds |"), lines[0]);
        assertTrue(lines[2].startsWith("| one-step |") && lines[2].endsWith("| 3 of 20 | – |"), lines[2]);
        // A round's "episodes" are those summed; costs are per episode run, skipped ones included: 60 JVPs, 2 s over 20.
        assertTrue(lines[2].contains("| 3.0 | 0.100 |"), lines[2]);
        assertTrue(lines[3].startsWith("| glocal[hyperdistill:0.99] |") && lines[3].endsWith("| 0 of 20 | 1 / 2 |"), lines[3]);
    }

    @Test
    void aLocalEstimatorUnderTheKoopmanAggregatorIsNamedGlocal(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("base.conf"), "hypergrad { problem = sinusoid, rounds = 2 }");
        Files.writeString(tmp.resolve("s.conf"), """
                sweep { name = t, base = base.conf, grid { cases = [ { "hypergrad.estimator" = one-step },
                  { "hypergrad.estimator" = "hyperdistill:0.99" },
                  { "hypergrad.estimator" = "hyperdistill:0.99", "hypergrad.aggregator" = koopman },
                  { "hypergrad.estimator" = fo, "hypergrad.aggregator" = sum } ] } }
                """);
        SweepSpec spec = SweepSpec.load(tmp.resolve("s.conf").toFile());
        List<String> varied = ExperimentReport.variedKeys(spec);
        assertEquals(List.of("one-step", "hyperdistill:0.99", "glocal[hyperdistill:0.99]", "fo (sum)"),
                spec.runs().stream().map(r -> ExperimentReport.label(r, varied)).toList());
    }
}
