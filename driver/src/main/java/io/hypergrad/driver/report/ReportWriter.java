package io.hypergrad.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.driver.output.RunFolder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes {@code report.html} for a run folder, with plots drawn by XChart into PNGs under
 * {@code report/}: losses and accuracies over rounds (with the meta-validation curve), the hypergradient
 * norm on a log scale, λ's norm, λ's parts by name (the norm of each λ layer, the optimiser's tuned
 * learning rates and weight decays per layer), θ, λ's entries when λ is small, and the Koopman eigenvalues on the unit
 * circle for glocal runs; for a table run, its final test (each metric for the initial and the tuned λ, a
 * classifier's confusion matrix, a regression's predicted-against-true values). Everything is read from {@code metrics.jsonl}, {@code summary.json} and
 * {@code config.conf}; the page needs no JavaScript. Every axis is titled and its ticks are labelled
 * compactly ({@link #compact}).
 */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportWriter() {}

    /** Writes the report and its images; returns the page's path. */
    public static String write(RunFolder folder) {
        System.setProperty("java.awt.headless", "true");
        List<JsonNode> rows = new ArrayList<>();
        try {
            for (String line : folder.readText("metrics.jsonl").split("\n")) {
                if (!line.isBlank()) {
                    rows.add(JSON.readTree(line));
                }
            }
            JsonNode summary = folder.exists("summary.json") ? JSON.readTree(folder.readText("summary.json")) : null;
            String config = folder.exists("config.conf") ? folder.readText("config.conf") : "";
            List<String[]> figures = new ArrayList<>();
            for (Figure f : figures(rows, summary)) {
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                BitmapEncoder.saveBitmap(f.chart(), png, BitmapEncoder.BitmapFormat.PNG);
                folder.writeAtomically("report/" + f.file(), png.toByteArray());
                figures.add(new String[] {"report/" + f.file(), f.caption()});
            }
            String html = page(summary, config, rows, figures);
            folder.writeText("report.html", html);
            return folder.pathOf("report.html");
        } catch (IOException e) {
            throw new UncheckedIOException("writing the report of " + folder.uri() + ": " + e.getMessage(), e);
        }
    }

    /** A plot of the report: its image file under {@code report/}, its caption, and the chart. */
    record Figure(String file, String caption, XYChart chart) {}

    /** The report's plots of a run: those its metrics and summary have data for. */
    static List<Figure> figures(List<JsonNode> rows, JsonNode summary) {
        List<Figure> out = new ArrayList<>();
        add(out, "loss.png", "Loss over rounds (meta-validation: the same held-out tasks each time)", lines(rows, "Round", "loss", false,
                new String[] {"trainLoss", "valLoss", "metaValLoss"}, new String[] {"train (episode)", "validation (episode)", "meta-validation"}));
        if (rows.stream().anyMatch(r -> r.path("valAccuracy").isNumber())) {
            add(out, "accuracy.png", "Accuracy over rounds (meta-validation: the same held-out tasks each time)", lines(rows, "Round",
                    "accuracy", false, new String[] {"valAccuracy", "metaValAccuracy"}, new String[] {"validation (episode)", "meta-validation"}));
        }
        add(out, "hypergradient.png", "Mean hypergradient norm (log scale)", lines(rows, "Round", "‖g‖ (log scale)", true,
                new String[] {"hypergradNorm"}, new String[] {"‖hypergradient‖"}));
        add(out, "lambda.png", "Norm of λ", lines(rows, "Round", "‖λ‖", false, new String[] {"lambdaNorm"}, new String[] {"‖λ‖"}));
        if (rows.stream().anyMatch(r -> r.has("lambdaBlocks"))) {
            add(out, "lambda-blocks.png", "Norm of each layer of λ over rounds", named(rows, "lambdaBlocks", "‖λ layer‖", false));
        }
        if (rows.stream().anyMatch(r -> r.has("lambdaSettings"))) {
            add(out, "lambda-settings.png", "λ's optimiser hyperparameters by layer over rounds (log scale)",
                    named(rows, "lambdaSettings", "value (log scale)", true));
        }
        add(out, "theta.png", "HyperDistill's θ", lines(rows, "Round", "θ", false, new String[] {"theta"}, new String[] {"θ"}));
        if (rows.stream().anyMatch(r -> r.has("lambdaValues"))) {
            add(out, "lambda-values.png", "λ entries over rounds", lambdaValues(rows));
        }
        if (rows.stream().anyMatch(r -> r.has("koopman"))) {
            add(out, "koopman.png", "Koopman spectrum (last round): extrapolated and frozen modes, and the unit circle", koopman(rows));
        }
        if (summary != null && summary.path("test").path("plot").has("trueVsPredicted")) {
            add(out, "test-predictions.png", "Final test: predicted against true values (tuned λ)",
                    trueVsPredicted(summary.path("test").path("plot").path("trueVsPredicted")));
        }
        return out;
    }

    private static void add(List<Figure> out, String file, String caption, XYChart chart) {
        if (chart != null) {
            out.add(new Figure(file, caption, chart));
        }
    }

    private static XYChart chart(String x, String y) {
        XYChart c = new XYChartBuilder().width(760).height(400).xAxisTitle(x).yAxisTitle(y).build();
        // Below the plot, in a row: inside it, the legend covered the rising curves it names.
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setMarkerSize(5);
        c.getStyler().setxAxisTickLabelsFormattingFunction(ReportWriter::compact);
        c.getStyler().setyAxisTickLabelsFormattingFunction(ReportWriter::compact);
        return c;
    }

    /**
     * A tick label a reader takes in at a glance: three significant digits at most, plain notation from
     * 0.001 to 10⁵ ({@code 1.1}, {@code 0.00123}, {@code 1500}), else short scientific ({@code 2.5e-7}).
     */
    static String compact(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
        }
        String[] e = String.format(Locale.ROOT, "%.2e", v).split("e");
        String mantissa = e[0].contains(".") ? e[0].replaceAll("0+$", "").replaceAll("\\.$", "") : e[0];
        return mantissa + "e" + Integer.parseInt(e[1]);
    }

    /**
     * A log scale drawn as log₁₀ of the values on a linear axis, its ticks labelled with the values
     * themselves: XChart's own log axis labels only whole decades, so a series within one decade got none.
     */
    private static void logScale(XYChart c) {
        c.getStyler().setyAxisTickLabelsFormattingFunction(t -> compact(Math.pow(10, t)));
    }

    /**
     * Gives the y axis ticks a reader can use. XChart draws a series that does not vary with one unreadable
     * tick, so its axis is padded; and it labels only the data values themselves when they are equally spaced
     * — a θ that changed once (two values) got two ticks and nothing between — so a few-valued series gets an
     * invisible point between its values, which sends XChart back to evenly stepped ticks over the same range.
     */
    static void readableYTicks(XYChart c) {
        java.util.TreeSet<Double> values = new java.util.TreeSet<>();
        for (XYSeries s : c.getSeriesMap().values()) {
            for (double y : s.getYData()) {
                if (Double.isFinite(y)) {
                    values.add(y);
                }
            }
        }
        if (values.isEmpty()) {
            return;
        }
        double lo = values.first();
        double hi = values.last();
        if (hi - lo <= 1e-9 * Math.max(1, Math.abs(hi))) {
            double pad = Math.max(0.05 * Math.abs(hi), 1e-3);
            c.getStyler().setYAxisMin(lo - pad);
            c.getStyler().setYAxisMax(hi + pad);
        } else if (values.size() <= 3) {
            double x = c.getSeriesMap().values().iterator().next().getXData()[0];
            // 0.377 of the way up: not on any even step of two or three values, so the set is no longer equally spaced.
            XYSeries h = c.addSeries(" ", new double[] {x}, new double[] {lo + 0.377 * (hi - lo)});
            h.setMarker(SeriesMarkers.NONE);
            h.setShowInLegend(false);
            h.setLineColor(new Color(0, 0, 0, 0));
        }
    }

    /** One series per key that has at least one finite value. */
    static XYChart lines(List<JsonNode> rows, String x, String y, boolean log, String[] keys, String[] names) {
        XYChart c = chart(x, y);
        boolean any = false;
        for (int k = 0; k < keys.length; k++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (JsonNode r : rows) {
                JsonNode v = r.get(keys[k]);
                if (v != null && v.isNumber() && Double.isFinite(v.asDouble()) && (!log || v.asDouble() > 0)) {
                    xs.add(r.path("round").asDouble());
                    double value = log ? Math.log10(v.asDouble()) : v.asDouble();
                    ys.add(value);
                }
            }
            if (!xs.isEmpty()) {
                XYSeries s = c.addSeries(names[k], xs, ys);
                // A series measured every few rounds (meta-validation) is a curve through marked points.
                s.setMarker(xs.size() < rows.size() / 2 + 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
                any = true;
            }
        }
        if (log) {
            logScale(c);
        }
        if (any) {
            readableYTicks(c);
        }
        return any ? c : null;
    }

    /** One series per name of a map-valued metric ({@code lambdaBlocks}, {@code lambdaSettings}) over rounds. */
    static XYChart named(List<JsonNode> rows, String key, String y, boolean log) {
        XYChart c = chart("Round", y);
        java.util.Map<String, List<double[]>> series = new java.util.LinkedHashMap<>();
        boolean positive = true;
        for (JsonNode r : rows) {
            var fields = r.path(key).fields();
            while (fields.hasNext()) {
                var e = fields.next();
                if (e.getValue().isNumber() && Double.isFinite(e.getValue().asDouble())) {
                    series.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {r.path("round").asDouble(), e.getValue().asDouble()});
                    positive &= e.getValue().asDouble() > 0;
                }
            }
        }
        if (series.isEmpty()) {
            return null;
        }
        boolean logY = log && positive;
        if (!logY) {
            c.setYAxisTitle(y.replace(" (log scale)", ""));
        }
        for (var e : series.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (double[] p : e.getValue()) {
                double value = logY ? Math.log10(p[1]) : p[1];
                xs.add(p[0]);
                ys.add(value);
            }
            c.addSeries(e.getKey(), xs, ys).setMarker(xs.size() < rows.size() / 2 + 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        if (logY) {
            logScale(c);
        }
        readableYTicks(c);
        return c;
    }

    static XYChart lambdaValues(List<JsonNode> rows) {
        XYChart c = chart("Round", "λ");
        int n = Math.min(20, rows.stream().mapToInt(r -> r.path("lambdaValues").size()).max().orElse(0));
        for (int j = 0; j < n; j++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (JsonNode r : rows) {
                JsonNode v = r.path("lambdaValues").path(j);
                if (v.isNumber()) {
                    xs.add(r.path("round").asDouble());
                    ys.add(v.asDouble());
                }
            }
            if (!xs.isEmpty()) {
                c.addSeries("λ[" + j + "]", xs, ys).setMarker(SeriesMarkers.NONE);
            }
        }
        if (n == 0) {
            return null;
        }
        readableYTicks(c);
        return c;
    }

    static XYChart koopman(List<JsonNode> rows) {
        JsonNode last = null;
        for (JsonNode r : rows) {
            if (r.has("koopman")) {
                last = r.get("koopman");
            }
        }
        XYChart c = chart("Re μ", "Im μ");
        List<Double> cx = new ArrayList<>();
        List<Double> cy = new ArrayList<>();
        for (int i = 0; i <= 200; i++) {
            cx.add(Math.cos(2 * Math.PI * i / 200));
            cy.add(Math.sin(2 * Math.PI * i / 200));
        }
        XYSeries circle = c.addSeries("unit circle", cx, cy);
        circle.setMarker(SeriesMarkers.NONE);
        circle.setLineStyle(new BasicStroke(1f));
        // Extrapolated modes moved the estimate; frozen ones (slow under noise, or |μ| ≥ 1) kept their value.
        List<Double> ex = new ArrayList<>();
        List<Double> ey = new ArrayList<>();
        List<Double> fx = new ArrayList<>();
        List<Double> fy = new ArrayList<>();
        JsonNode marks = last.path("extrapolated");
        int j = 0;
        for (JsonNode e : last.path("eigenvalues")) {
            boolean moved = marks.path(j++).asBoolean(false);
            (moved ? ex : fx).add(e.get(0).asDouble());
            (moved ? ey : fy).add(e.get(1).asDouble());
        }
        String reason = last.path("reason").asText("");
        String suffix = reason.isEmpty() || reason.equals("NONE") ? "" : " (" + reason + ")";
        if (!ex.isEmpty()) {
            XYSeries s = c.addSeries("extrapolated modes", ex, ey);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.DIAMOND);
        }
        if (!fx.isEmpty()) {
            XYSeries s = c.addSeries("frozen modes" + suffix, fx, fy);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        return c;
    }

    /** A regression's test predictions against the true values, with the line of perfect prediction. */
    static XYChart trueVsPredicted(JsonNode pairs) {
        XYChart c = chart("true value", "predicted value");
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (JsonNode p : pairs) {
            xs.add(p.get(0).asDouble());
            ys.add(p.get(1).asDouble());
            lo = Math.min(lo, Math.min(p.get(0).asDouble(), p.get(1).asDouble()));
            hi = Math.max(hi, Math.max(p.get(0).asDouble(), p.get(1).asDouble()));
        }
        if (xs.isEmpty()) {
            return null;
        }
        XYSeries diagonal = c.addSeries("perfect prediction", List.of(lo, hi), List.of(lo, hi));
        diagonal.setMarker(SeriesMarkers.NONE);
        XYSeries points = c.addSeries("test rows", xs, ys);
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        points.setMarker(SeriesMarkers.CIRCLE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        return c;
    }

    /** The final test of a table run: each metric for the initial and the tuned λ, and a classifier's confusion matrix. */
    private static void finalTest(StringBuilder h, JsonNode t) {
        h.append(String.format(Locale.ROOT, "<h2>Final test (%d rows)</h2><table><tr><th>metric</th><th>initial λ</th><th>tuned λ</th></tr>",
                t.path("rows").asInt()));
        var names = t.path("tuned").fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            h.append("<tr><td>").append(esc(k)).append("</td><td>").append(number(t.path("initial").path(k))).append("</td><td>")
                    .append(number(t.path("tuned").path(k))).append("</td></tr>");
        }
        h.append("</table>");
        JsonNode m = t.path("plot").path("confusion");
        if (m.isArray()) {
            JsonNode classes = t.path("plot").path("classes");
            h.append("<p>Confusion matrix of the tuned network (rows: true class, columns: predicted class)</p>"
                    + "<table><tr><th></th>");
            for (JsonNode c : classes) {
                h.append("<th>").append(esc(c.asText())).append("</th>");
            }
            h.append("</tr>");
            for (int i = 0; i < m.size(); i++) {
                h.append("<tr><th>").append(esc(classes.path(i).asText())).append("</th>");
                for (int j = 0; j < m.get(i).size(); j++) {
                    h.append(i == j ? "<td><b>" : "<td>").append(m.get(i).get(j).asLong()).append(i == j ? "</b></td>" : "</td>");
                }
                h.append("</tr>");
            }
            h.append("</table>");
        }
    }

    private static String number(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.4f", v.asDouble()) : "—";
    }

    private static String page(JsonNode s, String config, List<JsonNode> rows, List<String[]> figures) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>hypergrad run report</title>"
                + "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{background:#f4f4f4}"
                + "pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:85%}figure{margin:1.5em 0}img{max-width:100%}</style></head><body>");
        h.append("<h1>hypergrad run report</h1>");
        if (s != null) {
            h.append(String.format(Locale.ROOT, "<p><b>%s</b> · estimator <b>%s</b> · aggregator <b>%s</b> · %d rounds · %d episodes · %.1f s</p>",
                    esc(s.path("problem").asText()), esc(s.path("estimator").asText()), esc(s.path("aggregator").asText()),
                    s.path("rounds").asInt(), s.path("episodes").asInt(), s.path("seconds").asDouble()));
            h.append("<h2>Results</h2><table><tr><th>metric</th><th>value</th></tr>");
            row(h, "final meta-validation loss", s.path("finalValLoss"));
            row(h, "final meta-validation accuracy", s.path("finalValAccuracy"));
            JsonNode mt = s.path("metaTest");
            if (!mt.isMissingNode()) {
                h.append(String.format(Locale.ROOT, "<tr><td>meta-test loss (%d tasks): initial λ → learned λ</td><td>%.4f ± %.4f → %.4f ± %.4f</td></tr>",
                        mt.path("tasks").asInt(), mt.path("initial").path("loss").asDouble(), mt.path("initial").path("lossCi95").asDouble(),
                        mt.path("learned").path("loss").asDouble(), mt.path("learned").path("lossCi95").asDouble()));
                if (mt.path("initial").path("accuracy").isNumber()) {
                    h.append(String.format(Locale.ROOT, "<tr><td>meta-test accuracy: initial λ → learned λ</td><td>%.1f%% ± %.1f → %.1f%% ± %.1f</td></tr>",
                            100 * mt.path("initial").path("accuracy").asDouble(), 100 * mt.path("initial").path("accuracyCi95").asDouble(),
                            100 * mt.path("learned").path("accuracy").asDouble(), 100 * mt.path("learned").path("accuracyCi95").asDouble()));
                }
            }
            h.append("<tr><td>λ fingerprint (SHA-256)</td><td><code>").append(esc(s.path("lambdaSha256").asText())).append("</code></td></tr></table>");
            if (s.path("test").isObject()) {
                finalTest(h, s.path("test"));
            }
        } else {
            h.append("<p>The run has not finished: " + rows.size() + " rounds so far.</p>");
        }
        h.append("<h2>Plots</h2>");
        for (String[] f : figures) {
            h.append("<figure><img src=\"").append(f[0]).append("\" alt=\"").append(esc(f[1])).append("\"><figcaption>")
                    .append(esc(f[1])).append("</figcaption></figure>");
        }
        h.append("<h2>Configuration</h2><pre>").append(esc(config)).append("</pre></body></html>\n");
        return h.toString();
    }

    private static void row(StringBuilder h, String name, JsonNode v) {
        h.append("<tr><td>").append(name).append("</td><td>")
                .append(v.isNumber() ? String.format(Locale.ROOT, "%.4f", v.asDouble()) : "—").append("</td></tr>");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
