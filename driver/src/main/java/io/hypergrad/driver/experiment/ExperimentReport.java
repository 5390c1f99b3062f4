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
        if (varied.isEmpty()) {
            return r.config().get(RunConfig.ESTIMATOR);
        }
        List<String> parts = new ArrayList<>();
        for (String k : varied) {
            parts.add(varied.size() == 1 ? r.overrides().get(k).replace("\"", "")
                    : k.replace("hypergrad.", "") + "=" + r.overrides().get(k).replace("\"", ""));
        }
        return String.join(", ", parts);
    }

    /** One compared configuration's aggregate. */
    record Row(String estimator, int runs, double accuracy, double accuracyCi, double accuracySeedSd, double loss, double lossCi,
               double initialAccuracy, double jvpsPerEpisode, double secondsPerEpisode) {}

    /** Writes {@code results.md} and {@code results.png} into the sweep folder; returns the Markdown. */
    public static String write(SweepSpec spec, RunFolder sweep) {
        Map<String, List<JsonNode[]>> byEstimator = new LinkedHashMap<>();
        List<String> varied = variedKeys(spec);
        for (SweepRun r : spec.runs()) {
            RunFolder f = new RunFolder(sweep.uri() + "/" + r.name(), new org.apache.hadoop.conf.Configuration());
            if (!f.exists("summary.json")) {
                continue;
            }
            try {
                JsonNode s = JSON.readTree(f.readText("summary.json"));
                double jvps = 0, seconds = 0, episodes = 0;
                for (String line : f.readText("metrics.jsonl").split("\n")) {
                    if (!line.isBlank()) {
                        JsonNode m = JSON.readTree(line);
                        jvps += m.path("jvps").asDouble();
                        seconds += m.path("taskSeconds").asDouble();
                        episodes += m.path("episodes").asDouble();
                    }
                }
                JsonNode cost = JSON.createObjectNode().put("jvps", jvps / episodes).put("seconds", seconds / episodes);
                byEstimator.computeIfAbsent(label(r, varied), k -> new ArrayList<>()).add(new JsonNode[] {s, cost});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<Row> rows = new ArrayList<>();
        byEstimator.forEach((est, runs) -> {
            double acc = 0, ci = 0, loss = 0, lci = 0, init = 0, jv = 0, sec = 0;
            List<Double> accs = new ArrayList<>();
            for (JsonNode[] r : runs) {
                JsonNode l = r[0].path("metaTest").path("learned");
                accs.add(l.path("accuracy").asDouble());
                acc += l.path("accuracy").asDouble();
                ci += l.path("accuracyCi95").asDouble();
                loss += l.path("loss").asDouble();
                lci += l.path("lossCi95").asDouble();
                init += r[0].path("metaTest").path("initial").path("accuracy").asDouble();
                jv += r[1].path("jvps").asDouble();
                sec += r[1].path("seconds").asDouble();
            }
            int n = runs.size();
            double mean = acc / n;
            double sd = 0;
            for (double a : accs) {
                sd += (a - mean) * (a - mean);
            }
            rows.add(new Row(est, n, mean, ci / n, n > 1 ? Math.sqrt(sd / (n - 1)) : 0, loss / n, lci / n, init / n, jv / n, sec / n));
        });
        String what = varied.isEmpty() ? "estimator" : String.join(", ", varied.stream().map(k -> k.replace("hypergrad.", "")).toList());
        StringBuilder md = new StringBuilder("| " + what + " | runs | meta-test accuracy (learned λ) | ± 95% CI | seed s.d. | meta-test loss "
                + "| accuracy with initial λ | JVPs / inner optimisation | s / inner optimisation |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.2f%% | %.2f | %.2f | %.4f ± %.4f | %.2f%% | %.1f | %.3f |%n", r.estimator(), r.runs(),
                    100 * r.accuracy(), 100 * r.accuracyCi(), 100 * r.accuracySeedSd(), r.loss(), r.lossCi(), 100 * r.initialAccuracy(),
                    r.jvpsPerEpisode(), r.secondsPerEpisode()));
        }
        sweep.writeText("results.md", md.toString());
        if (!rows.isEmpty()) {
            CategoryChart c = new CategoryChartBuilder().width(760).height(420).title("Meta-test accuracy (" + spec.name() + ")")
                    .xAxisTitle(what).yAxisTitle("accuracy (%)").build();
            c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
            List<String> names = rows.stream().map(Row::estimator).toList();
            c.addSeries("initial λ", names, rows.stream().map(r -> 100 * r.initialAccuracy()).toList());
            c.addSeries("learned λ", names, rows.stream().map(r -> 100 * r.accuracy()).toList(),
                    rows.stream().map(r -> 100 * r.accuracyCi()).toList());
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            try {
                BitmapEncoder.saveBitmap(c, png, BitmapEncoder.BitmapFormat.PNG);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sweep.writeAtomically("results.png", png.toByteArray());
        }
        return md.toString();
    }
}
