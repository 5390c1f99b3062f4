package io.hypergrad.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hypergrad.driver.output.RunFolder;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run report: every plot is written, is a real non-blank image, and renders in a browser. */
class ReportWriterTest {

    /** A run folder of 30 rounds with meta-validation points, a small λ, a Koopman entry and a summary. */
    static RunFolder syntheticRun(Path dir) {
        RunFolder f = new RunFolder(dir.toString(), new org.apache.hadoop.conf.Configuration());
        StringBuilder m = new StringBuilder();
        for (int r = 1; r <= 30; r++) {
            double loss = 2.3 * Math.exp(-r / 12.0) + 0.4;
            m.append(String.format(Locale.ROOT, "{\"round\":%d,\"episodes\":4,\"trainLoss\":%.4f,\"valLoss\":%.4f,\"valAccuracy\":%.3f,"
                    + "\"hypergradNorm\":%.5f,\"lambdaNorm\":%.3f,\"theta\":1.100168963938038,\"lambdaValues\":[%.3f,%.3f,%.3f],"
                    + "\"lambdaBlocks\":{\"conv1\":%.3f,\"conv2\":%.3f},\"lambdaSettings\":{\"learningRate[conv1]\":%.5f,"
                    + "\"weightDecay[conv1]\":%.6f}%s%s}\n",
                    r, loss * 0.9, loss, 0.3 + 0.01 * r, 0.02 + 0.001 * Math.sin(r), 4 + 0.05 * r,
                    Math.log(0.1) + 0.01 * r, Math.log(0.01) - 0.02 * r, 0.1 * Math.sin(r), 3 + 0.02 * r, 2.5 - 0.01 * r,
                    0.1 * Math.exp(0.01 * r), 1e-4 * Math.exp(-0.02 * r),
                    r % 5 == 0 ? String.format(Locale.ROOT, ",\"metaValLoss\":%.4f,\"metaValAccuracy\":%.3f", loss + 0.1, 0.28 + 0.01 * r) : "",
                    r == 30 ? ",\"koopman\":{\"fallback\":false,\"eigenvalues\":[[1.0,0.0],[0.96,0.05],[0.96,-0.05],[0.5,0.0]]}" : ""));
        }
        f.writeText("metrics.jsonl", m.toString());
        f.writeText("config.conf", "# hypergrad test\nhypergrad.problem = \"anil-quickdraw\"\n");
        f.writeText("summary.json", "{\"problem\":\"anil-quickdraw\",\"estimator\":\"hyperdistill:0.99\",\"aggregator\":\"replay\",\"rounds\":30,"
                + "\"episodes\":120,\"finalValLoss\":0.9,\"finalValAccuracy\":0.58,\"metaTest\":{\"tasks\":100,\"initial\":{\"loss\":2.0,"
                + "\"lossCi95\":0.02,\"accuracy\":0.29,\"accuracyCi95\":0.01},\"learned\":{\"loss\":1.7,\"lossCi95\":0.03,\"accuracy\":0.41,"
                + "\"accuracyCi95\":0.02}},\"seconds\":120.5,\"lambdaSize\":3,\"lambdaSha256\":\"abc\"}\n");
        return f;
    }

    static List<String> images(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Standard deviation of the grey levels: 0 for a blank image. */
    static double spread(BufferedImage img) {
        double s = 0, s2 = 0;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y);
                double g = ((rgb >> 16 & 255) + (rgb >> 8 & 255) + (rgb & 255)) / 3.0;
                s += g;
                s2 += g * g;
                n++;
            }
        }
        return Math.sqrt(Math.max(0, s2 / n - (s / n) * (s / n)));
    }

    @Test
    void everyPlotIsWrittenAsANonBlankImage(@TempDir Path dir) throws Exception {
        ReportWriter.write(syntheticRun(dir));
        String html = Files.readString(dir.resolve("report.html"));
        List<String> imgs = images(html);
        assertTrue(imgs.containsAll(List.of("report/loss.png", "report/accuracy.png", "report/hypergradient.png",
                "report/lambda.png", "report/theta.png", "report/lambda-values.png", "report/koopman.png", "report/lambda-blocks.png",
                "report/lambda-settings.png")), imgs.toString());
        for (String i : imgs) {
            BufferedImage img = ImageIO.read(dir.resolve(i).toFile());
            assertTrue(img != null && img.getWidth() > 100, i + " is not an image");
            assertTrue(spread(img) > 5, i + " is blank");
        }
        assertTrue(html.contains("29.0% ± 1.0 → 41.0% ± 2.0"), "the meta-test table");
    }

    @Test
    void everyPlotHasLabelledAxesAndCompactTickLabels(@TempDir Path dir) throws Exception {
        RunFolder f = syntheticRun(dir);
        List<com.fasterxml.jackson.databind.JsonNode> rows = new ArrayList<>();
        for (String line : f.readText("metrics.jsonl").split("\n")) {
            rows.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line));
        }
        List<ReportWriter.Figure> figures = ReportWriter.figures(rows, null);
        assertTrue(figures.size() >= 9, "one figure per kind of metric: " + figures.size());
        for (ReportWriter.Figure fig : figures) {
            assertTrue(!fig.chart().getXAxisTitle().isBlank() && !fig.chart().getYAxisTitle().isBlank(), fig.file() + " has an unlabelled axis");
            assertTrue(fig.chart().getStyler().getxAxisTickLabelsFormattingFunction() != null
                    && fig.chart().getStyler().getyAxisTickLabelsFormattingFunction() != null, fig.file() + " has raw tick labels");
            // Log scales are drawn as log10 on a linear axis so that a series within one decade still gets ticks.
            assertTrue(!fig.chart().getStyler().isYAxisLogarithmic(), fig.file() + " uses XChart's decade-only log axis");
        }
        assertEquals("1.1", ReportWriter.compact(1.100168963938038));
        assertEquals("0.00123", ReportWriter.compact(0.00123456));
        assertEquals("1500", ReportWriter.compact(1500.0000001));
        assertEquals("2.5e-7", ReportWriter.compact(2.5e-7));
        assertEquals("-3e5", ReportWriter.compact(-3e5));
        assertEquals("0.3", ReportWriter.compact(0.30000000000000004));
        // The hypergradient plot's ticks are the values of a log scale, not their logarithms.
        java.util.function.Function<Double, String> tick = figures.stream().filter(x -> x.file().equals("hypergradient.png"))
                .findFirst().orElseThrow().chart().getStyler().getyAxisTickLabelsFormattingFunction();
        assertEquals("0.01", tick.apply(-2.0));
    }

    @Test
    void aSeriesWithTwoValuesStillGetsStepsBetweenThemOnItsAxis() throws Exception {
        // θ refitted once: XChart labels equally spaced data values only, which gave two ticks and nothing between.
        List<com.fasterxml.jackson.databind.JsonNode> rows = new ArrayList<>();
        for (int r = 1; r <= 40; r++) {
            rows.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"round\":" + r + ",\"theta\":" + (r <= 20 ? 1.58 : 1.99) + "}"));
        }
        org.knowm.xchart.XYChart c = ReportWriter.lines(rows, "Round", "θ", false, new String[] {"theta"}, new String[] {"θ"});
        java.util.TreeSet<Double> ys = new java.util.TreeSet<>();
        long inLegend = 0;
        for (org.knowm.xchart.XYSeries s : c.getSeriesMap().values()) {
            for (double y : s.getYData()) {
                ys.add(y);
            }
            inLegend += s.isShowInLegend() ? 1 : 0;
        }
        assertEquals(1, inLegend, "one series a reader sees");
        assertEquals(1.58, ys.first(), 0.0, "the axis range is the data's");
        assertEquals(1.99, ys.last(), 0.0, "the axis range is the data's");
        Double[] v = ys.toArray(new Double[0]);
        assertTrue(v.length >= 3 && Math.abs((v[1] - v[0]) - (v[2] - v[1])) > 1e-3, "the axis values are not equally spaced: " + ys);
    }

    @Test
    void aTableRunsFinalTestIsReportedWithItsPlot(@TempDir Path dir) throws Exception {
        RunFolder f = syntheticRun(dir);
        StringBuilder pairs = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            pairs.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "[%d,%.1f]", 50 + 5 * i, 60 + 4.5 * i + (i % 7) * 3));
        }
        f.writeText("summary.json", "{\"problem\":\"table\",\"rounds\":30,\"lambdaSha256\":\"abc\",\"test\":{\"rows\":67,\"tasks\":1,"
                + "\"initial\":{\"rmse\":71.5,\"mae\":60.1,\"r2\":0.12},\"tuned\":{\"rmse\":55.25,\"mae\":44.0,\"r2\":0.47},"
                + "\"plot\":{\"trueVsPredicted\":[" + pairs + "]}}}\n");
        ReportWriter.write(f);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<td>rmse</td><td>71.5000</td><td>55.2500</td>"), "the initial and tuned λ's metrics side by side");
        assertTrue(images(html).contains("report/test-predictions.png"), images(html).toString());
        BufferedImage img = ImageIO.read(dir.resolve("report/test-predictions.png").toFile());
        assertTrue(spread(img) > 5, "the predicted-against-true plot is blank");

        f.writeText("summary.json", "{\"problem\":\"table\",\"rounds\":30,\"lambdaSha256\":\"abc\",\"test\":{\"rows\":4,\"tasks\":1,"
                + "\"initial\":{\"accuracy\":0.5},\"tuned\":{\"accuracy\":0.75},"
                + "\"plot\":{\"classes\":[\"benign\",\"malignant\"],\"confusion\":[[2,0],[1,1]]}}}\n");
        ReportWriter.write(f);
        html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<tr><th>malignant</th><td>1</td><td><b>1</b></td></tr>"), "the confusion matrix, true class by row");
    }

    @Test
    void theReportRendersInHeadlessChromium(@TempDir Path dir) throws Exception {
        String chromium = System.getenv().getOrDefault("CHROMIUM", "chromium");
        assumeTrue(new ProcessBuilder("which", chromium).start().waitFor() == 0,
                "SKIPPED: no chromium on the PATH (deploy/libexec/setup-system.sh installs Debian's chromium)");
        ReportWriter.write(syntheticRun(dir.resolve("run")));
        BufferedImage withImages = screenshot(chromium, dir.resolve("run/report.html"), dir.resolve("a.png"), dir);
        // The same page with its images gone: if the plots rendered, the screenshots differ a lot.
        Path broken = dir.resolve("run/broken.html");
        Files.writeString(broken, Files.readString(dir.resolve("run/report.html")).replace("src=\"report/", "src=\"missing/"));
        BufferedImage without = screenshot(chromium, broken, dir.resolve("b.png"), dir);
        assertTrue(spread(withImages) > 5, "the screenshot is blank");
        long differing = 0;
        for (int y = 0; y < Math.min(withImages.getHeight(), without.getHeight()); y += 2) {
            for (int x = 0; x < Math.min(withImages.getWidth(), without.getWidth()); x += 2) {
                if (withImages.getRGB(x, y) != without.getRGB(x, y)) {
                    differing++;
                }
            }
        }
        long total = (long) (withImages.getWidth() / 2) * (withImages.getHeight() / 2);
        // Plots are mostly white, like the page around them: rendered, they change about 9% of the
        // sampled pixels (measured); a broken or blank image changes well under 1%.
        assertTrue(differing > total / 50, "the plots did not render: only " + differing + " of " + total + " pixels differ");
    }

    static BufferedImage screenshot(String chromium, Path page, Path png, Path tmp) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--window-size=1000,2400", "--screenshot=" + png, page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(new File(tmp.toFile(), "chromium.log")).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium did not finish in 90 s");
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null, "chromium wrote no screenshot: " + Files.readString(tmp.resolve("chromium.log")));
        return img;
    }
}
