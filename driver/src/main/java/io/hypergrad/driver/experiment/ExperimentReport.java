package io.hypergrad.driver.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.sweep.SweepRun;
import io.hypergrad.driver.sweep.SweepSpec;
import io.hypergrad.common.config.RunConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The table and plot of an experiment (a sweep over estimators and seeds): per estimator, the meta-test
 * accuracy and loss of the learned λ (mean over seeds, ± the mean of the per-run 95% CIs, and the
 * spread over seeds), JVPs and seconds per inner optimisation — read from every run's summary and
 * metrics, never typed in.
 */
public final class ExperimentReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExperimentReport() {}

    /** The keys that take more than one value across the runs, seeds excepted: what the table compares. */
    static List<String> variedKeys(SweepSpec spec) {
        List<String> keys = new ArrayList<>();
        for (SweepRun r : spec.runs()) {
            for (String k : r.overrides().keySet()) {
                if (!keys.contains(k) && !k.equals("hypergrad.seed")
                        && spec.runs().stream().map(x -> x.overrides().get(k)).distinct().count() > 1) {
                    keys.add(k);
                }
            }
        }
        return keys;
    }

    static String label(SweepRun r, List<String> varied) {
        if (varied.isEmpty() || varied.size() == 2 && varied.containsAll(List.of(RunConfig.ESTIMATOR.path(), RunConfig.AGGREGATOR.path()))) {
            return estimatorName(r.config());
        }
        List<String> parts = new ArrayList<>();
        for (String k : varied) {
            parts.add(varied.size() == 1 ? r.overrides().get(k).replace("\"", "")
                    : k.replace("hypergrad.", "") + "=" + r.overrides().get(k).replace("\"", ""));
        }
        return String.join(", ", parts);
    }

    /**
     * The estimator as the tables name it: a local estimator under the Koopman aggregator is the glocal
     * estimate over its trajectories, "glocal[hyperdistill:0.99]"; another aggregator than replay is
     * named after the estimator.
     */
    static String estimatorName(RunConfig c) {
        String estimator = c.get(RunConfig.ESTIMATOR);
        String aggregator = c.get(RunConfig.AGGREGATOR);
        return switch (aggregator) {
            case "replay" -> estimator;
            case "koopman" -> "glocal[" + estimator + "]";
            default -> estimator + " (" + aggregator + ")";
        };
    }

    /** One finished run: its summary and what its metrics.jsonl adds up to. */
    private record RunOutcome(JsonNode summary, double jvpsPerEpisode, double secondsPerEpisode, long episodes, long skippedTasks,
                              long koopmanRounds, long koopmanFallbacks) {}

    /** One compared configuration's aggregate; accuracies are NaN for regression problems. */
    record Row(String estimator, int runs, double accuracy, double accuracyCi, double accuracySeedSd, double loss, double lossCi,
               double lossSeedSd, double initialAccuracy, double initialLoss, double jvpsPerEpisode, double secondsPerEpisode,
               long episodes, long skippedTasks, long koopmanRounds, long koopmanFallbacks) {}

    /** Published numbers to print beside ours, by row label (e.g. the estimator), and where they are from. */
    public record Reference(String title, Map<String, Double> values) {
        public static final Reference NONE = new Reference(null, Map.of());

        boolean present() {
            return title != null && !values.isEmpty();
        }

        String cell(String label) {
            Double v = values.get(label);
            return v == null ? "–" : String.format(Locale.ROOT, "%s", v);
        }
    }

    /**
     * The memory column: {@link EpisodeMemory} for the first run of every row label (its config and
     * estimator), in MB by label. Call with no Spark job running, or the other threads' garbage adds noise.
     */
    public static Map<String, Double> measureMemory(SweepSpec spec) {
        Map<String, Double> mb = new LinkedHashMap<>();
        List<String> varied = variedKeys(spec);
        for (SweepRun r : spec.runs()) {
            String label = label(r, varied);
            if (!mb.containsKey(label)) {
                mb.put(label, EpisodeMemory.peakMegabytes(r.config(), r.config().get(RunConfig.ESTIMATOR)));
            }
        }
        return mb;
    }

    /** Writes {@code results.md} and {@code results.png} into the sweep folder; returns the Markdown. */
    public static String write(SweepSpec spec, RunFolder sweep) {
        return write(spec, sweep, Reference.NONE, Map.of());
    }

    /**
     * As {@link #write(SweepSpec, RunFolder)}, with the paper's numbers beside ours and a measured memory
     * column ({@link EpisodeMemory}, MB by row label) when given. Regression problems (no accuracy in the
     * summaries) get a table and plot of the meta-test loss instead of accuracy.
     */
    public static String write(SweepSpec spec, RunFolder sweep, Reference paper, Map<String, Double> peakMegabytes) {
        Map<String, List<RunOutcome>> byEstimator = new LinkedHashMap<>();
        List<String> varied = variedKeys(spec);
        for (SweepRun r : spec.runs()) {
            if (!sweep.exists(r.name() + "/summary.json")) {
                continue;
            }
            try {
                JsonNode s = JSON.readTree(sweep.readText(r.name() + "/summary.json"));
                double jvps = 0, seconds = 0, episodes = 0, skipped = 0, koopman = 0, fallbacks = 0;
                for (String line : sweep.readText(r.name() + "/metrics.jsonl").split("\n")) {
                    if (!line.isBlank()) {
                        JsonNode m = JSON.readTree(line);
                        jvps += m.path("jvps").asDouble();
                        seconds += m.path("taskSeconds").asDouble();
                        // A round's "episodes" are the ones summed; skipped ones ran (and cost) too.
                        episodes += m.path("episodes").asDouble() + m.path("skippedTasks").asDouble();
                        skipped += m.path("skippedTasks").asDouble();
                        if (m.has("koopman")) {
                            koopman++;
                            fallbacks += m.path("koopman").path("fallback").asBoolean() ? 1 : 0;
                        }
                    }
                }
                byEstimator.computeIfAbsent(label(r, varied), k -> new ArrayList<>()).add(new RunOutcome(s, jvps / episodes,
                        seconds / episodes, (long) episodes, (long) skipped, (long) koopman, (long) fallbacks));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<Row> rows = new ArrayList<>();
        byEstimator.forEach((est, runs) -> {
            double acc = 0, ci = 0, loss = 0, lci = 0, init = 0, initLoss = 0, jv = 0, sec = 0;
            long episodes = 0, skipped = 0, koopman = 0, fallbacks = 0;
            List<Double> accs = new ArrayList<>();
            List<Double> losses = new ArrayList<>();
            for (RunOutcome r : runs) {
                JsonNode l = r.summary().path("metaTest").path("learned");
                accs.add(number(l.path("accuracy")));
                losses.add(number(l.path("loss")));
                acc += number(l.path("accuracy"));
                ci += number(l.path("accuracyCi95"));
                loss += number(l.path("loss"));
                lci += number(l.path("lossCi95"));
                init += number(r.summary().path("metaTest").path("initial").path("accuracy"));
                initLoss += number(r.summary().path("metaTest").path("initial").path("loss"));
                jv += r.jvpsPerEpisode();
                sec += r.secondsPerEpisode();
                episodes += r.episodes();
                skipped += r.skippedTasks();
                koopman += r.koopmanRounds();
                fallbacks += r.koopmanFallbacks();
            }
            int n = runs.size();
            rows.add(new Row(est, n, acc / n, ci / n, seedSd(accs), loss / n, lci / n, seedSd(losses), init / n, initLoss / n,
                    jv / n, sec / n, episodes, skipped, koopman, fallbacks));
        });
        boolean regression = !rows.isEmpty() && rows.stream().allMatch(r -> Double.isNaN(r.accuracy()));
        boolean memory = rows.stream().anyMatch(r -> peakMegabytes.containsKey(r.estimator()));
        String what = varied.isEmpty() ? "estimator" : String.join(", ", varied.stream().map(k -> k.replace("hypergrad.", "")).toList());
        StringBuilder md = new StringBuilder("| " + what + " | runs | ");
        md.append(regression ? "meta-test loss (learned λ) | ± 95% CI | seed s.d. | " : "meta-test accuracy (learned λ) | ± 95% CI | seed s.d. | ");
        if (paper.present()) {
            md.append("paper: ").append(paper.title()).append(" | ");
        }
        md.append(regression ? "loss with initial λ | " : "meta-test loss | accuracy with initial λ | ");
        md.append("JVPs / inner optimisation | s / inner optimisation |");
        if (memory) {
            md.append(" peak live heap / episode (MB) |");
        }
        // Shown only when they happened: how many meta-train episodes diverged and were skipped, and how
        // many Koopman (glocal) rounds fell back to the last local hypergradient.
        boolean skips = rows.stream().anyMatch(r -> r.skippedTasks() > 0);
        boolean koopman = rows.stream().anyMatch(r -> r.koopmanRounds() > 0);
        if (skips) {
            md.append(" skipped (diverged) episodes |");
        }
        if (koopman) {
            md.append(" Koopman fallbacks / rounds |");
        }
        int columns = md.toString().split("\\|", -1).length - 2;
        md.append("\n|").append("---|".repeat(columns)).append("\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | ", r.estimator(), r.runs()));
            if (regression) {
                md.append(String.format(Locale.ROOT, "%.4f | %.4f | %s | ", r.loss(), r.lossCi(), spread(r.lossSeedSd(), "%.4f")));
            } else {
                md.append(String.format(Locale.ROOT, "%.2f%% | %.2f | %s | ", 100 * r.accuracy(), 100 * r.accuracyCi(),
                        spread(100 * r.accuracySeedSd(), "%.2f")));
            }
            if (paper.present()) {
                md.append(paper.cell(r.estimator())).append(" | ");
            }
            if (regression) {
                md.append(String.format(Locale.ROOT, "%.4f | ", r.initialLoss()));
            } else {
                md.append(String.format(Locale.ROOT, "%.4f ± %.4f | %.2f%% | ", r.loss(), r.lossCi(), 100 * r.initialAccuracy()));
            }
            md.append(String.format(Locale.ROOT, "%.1f | %.3f |", r.jvpsPerEpisode(), r.secondsPerEpisode()));
            if (memory) {
                Double mb = peakMegabytes.get(r.estimator());
                md.append(mb == null ? " – |" : String.format(Locale.ROOT, " %.2f |", mb));
            }
            if (skips) {
                md.append(" ").append(r.skippedTasks()).append(" of ").append(r.episodes()).append(" |");
            }
            if (koopman) {
                md.append(r.koopmanRounds() == 0 ? " – |" : " " + r.koopmanFallbacks() + " / " + r.koopmanRounds() + " |");
            }
            md.append("\n");
        }
        sweep.writeText("results.md", md.toString());
        if (!rows.isEmpty()) {
            String metric = regression ? "loss" : "accuracy (%)";
            CategoryChart c = new CategoryChartBuilder().width(820).height(460)
                    .title((regression ? "Meta-test loss (" : "Meta-test accuracy (") + spec.name() + ")")
                    .xAxisTitle(what).yAxisTitle(metric).build();
            c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
            // Labels such as glocal[hyperdistill:0.99:1] overlap when set flat.
            c.getStyler().setXAxisLabelRotation(30);
            // Losses are positive and a diverged run can be 1e8 beside 0.3: a log axis keeps both readable.
            List<String> names = rows.stream().map(Row::estimator).toList();
            if (regression) {
                // XChart's log axis needs an explicit minimum for bars: the power of ten under the smallest value.
                double min = rows.stream().mapToDouble(r -> Math.min(r.loss(), r.initialLoss())).min().orElse(1);
                for (String n : names) {
                    min = Math.min(min, paper.values().getOrDefault(n, min));
                }
                c.getStyler().setYAxisLogarithmic(true);
                c.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
            }
            double k = regression ? 1 : 100;
            if (!regression) {
                // Accuracies of one problem sit within a few points of each other: start the axis 5 points
                // under the lowest bar (rounded down to 5) so that their differences can be seen.
                double low = rows.stream().mapToDouble(r -> Math.min(r.initialAccuracy(), r.accuracy() - r.accuracyCi())).min().orElse(0);
                c.getStyler().setYAxisMin(Math.max(0, 5 * Math.floor((k * low - 5) / 5)));
            }
            c.addSeries("initial λ", names, rows.stream().map(r -> k * (regression ? r.initialLoss() : r.initialAccuracy())).toList());
            if (regression) {
                // No error bars on the logarithmic axis (XChart refuses them there); the table has the CIs.
                c.addSeries("learned λ", names, rows.stream().map(Row::loss).toList());
            } else {
                c.addSeries("learned λ", names, rows.stream().map(r -> k * r.accuracy()).toList(),
                        rows.stream().map(r -> k * r.accuracyCi()).toList());
            }
            if (paper.present() && names.stream().allMatch(paper.values()::containsKey)) {
                c.addSeries("paper", names, names.stream().map(paper.values()::get).toList());
            }
            writePng(sweep, "results.png", c);
        }
        return md.toString();
    }

    /** Writes a chart as a PNG into {@code folder}, atomically: a plot is never seen half written. */
    static void writePng(RunFolder folder, String file, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        folder.writeAtomically(file, png.toByteArray());
    }

    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    /** The seed spread, or "–" where there is none (a single run: {@link #seedSd} is NaN). */
    private static String spread(double sd, String format) {
        return Double.isNaN(sd) ? "–" : String.format(Locale.ROOT, format, sd);
    }

    private static double seedSd(List<Double> xs) {
        if (xs.size() < 2) {
            return Double.NaN;
        }
        double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double sd = 0;
        for (double x : xs) {
            sd += (x - mean) * (x - mean);
        }
        return Math.sqrt(sd / (xs.size() - 1));
    }
}
