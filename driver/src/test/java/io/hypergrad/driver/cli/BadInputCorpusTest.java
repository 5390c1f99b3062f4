package io.hypergrad.driver.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.driver.bench.BadInputCorpus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus ({@code driver/src/main/resources/bad-input/cases.tsv}): every config, dataset and
 * spec in it is refused through the CLI with the documented exit code, a one-line message naming the
 * key, field or file, and nothing left behind. No case starts Spark: each is refused before.
 */
class BadInputCorpusTest {
    static List<BadInputCorpus.Case> cases() {
        return BadInputCorpus.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithTheDocumentedExitCodeAndMessage(BadInputCorpus.Case c, @TempDir Path dir) {
        BadInputCorpus.Outcome o = BadInputCorpus.run(c, dir);
        assertTrue(o.passed(), o.describe() + "\nstderr:\n" + o.stderr() + "\nstdout:\n" + o.stdout());
    }

    /** The strict reading (includes must exist, no keys outside the block) still accepts every shipped config. */
    @Test
    void theShippedConfigsStillResolve(@TempDir Path tmp) throws Exception {
        Path conf = HypergradientCommandTest.example("hypergradient-mlp.json").getParent().getParent();
        try (var files = java.nio.file.Files.list(conf)) {
            List<Path> confs = files.filter(p -> p.toString().endsWith(".conf") && !p.endsWith("spark-defaults.conf")).sorted().toList();
            assertTrue(confs.size() >= 5, confs.toString());
            for (Path p : confs) {
                HypergradientCommandTest.Out o = HypergradientCommandTest.run("config", p.toString());
                org.junit.jupiter.api.Assertions.assertEquals(0, o.code(), p + ": " + o.stderr());
            }
        }
        // Emitted with its config in ConfigMaps, nothing is written to the (cluster's) output folder from here.
        HypergradientCommandTest.Out sweep = HypergradientCommandTest.run("sweep", conf.resolve("sweeps/demo-sweep.conf").toString(),
                "--emit", "k8s", "--config-via", "configmap", "--out", "s3a://bucket/sweeps/demo-sweep", "--emit-dir", tmp.toString());
        org.junit.jupiter.api.Assertions.assertEquals(0, sweep.code(), sweep.stderr());
    }

    /** The entry point the reliability benchmark calls (run() is run(cases())), on a few cases of each kind. */
    @Test
    void theRunnerCountsPerKind() {
        List<BadInputCorpus.Case> some = cases().stream()
                .filter(c -> List.of("config/unknown-key", "config/negative-lr", "data/idx-wrong-magic", "spec/ragged-W", "spec/nan-W")
                        .contains(c.id()))
                .toList();
        BadInputCorpus.Result r = BadInputCorpus.run(some);
        org.junit.jupiter.api.Assertions.assertEquals(5, r.total());
        org.junit.jupiter.api.Assertions.assertEquals(5, r.passed(), String.join("\n", r.failures()));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 2}, r.byKind().get("config"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 1}, r.byKind().get("data"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 2}, r.byKind().get("spec"));
    }

    @Test
    void theCorpusCoversConfigsDataAndSpecs() {
        List<BadInputCorpus.Case> all = cases();
        for (String kind : List.of("config/", "data/", "spec/")) {
            assertTrue(all.stream().filter(c -> c.id().startsWith(kind)).count() >= 10, kind);
        }
        assertTrue(all.stream().map(BadInputCorpus.Case::id).distinct().count() == all.size(), "case ids are unique");
    }
}
