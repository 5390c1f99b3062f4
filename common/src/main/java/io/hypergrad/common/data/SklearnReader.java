package io.hypergrad.common.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads scikit-learn's bundled small datasets: iris, wine and breast_cancer (a header line
 * {@code n,features,class names…} then rows of features and a label), digits (no header; 64 pixel
 * values and a label per row), and diabetes (space-separated features with a separate target file).
 */
public final class SklearnReader {
    private SklearnReader() {}

    /** A CSV with sklearn's header line: n, feature count, class names. */
    public static Dataset readWithHeader(String uri) {
        List<String[]> lines = lines(uri, ",");
        if (lines.isEmpty()) {
            throw new DatasetException(uri + ": empty file");
        }
        String[] h = lines.get(0);
        int n;
        int f;
        try {
            n = Integer.parseInt(h[0].trim());
            f = Integer.parseInt(h[1].trim());
        } catch (RuntimeException e) {
            throw new DatasetException(uri + ": line 1 is not a header 'n,features,class names…'");
        }
        List<String> names = new ArrayList<>();
        for (int i = 2; i < h.length; i++) {
            names.add(h[i].trim());
        }
        if (lines.size() - 1 != n) {
            throw new DatasetException(uri + ": the header promises " + n + " rows, the file has " + (lines.size() - 1));
        }
        return table(uri, lines.subList(1, lines.size()), 2, f, names);
    }

    /** sklearn's digits: 8×8 images (values 0–16, scaled to [0, 1]) with labels 0–9, no header. */
    public static Dataset readDigits(String uri) {
        Dataset raw = table(uri, lines(uri, ","), 1, 64, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
        float[] x = raw.x().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] /= 16f;
        }
        return new Dataset(uri, x, new int[] {1, 8, 8}, raw.labels(), null, raw.classNames());
    }

    /** sklearn's diabetes regression set: 10 features per row and a separate file of targets. */
    public static Dataset readDiabetes(String dataUri, String targetUri) {
        List<String[]> rows = lines(dataUri, "\\s+");
        List<String[]> t = lines(targetUri, "\\s+");
        if (rows.size() != t.size()) {
            throw new DatasetException(targetUri + ": " + t.size() + " targets for " + rows.size() + " rows of " + dataUri);
        }
        int f = 10;
        float[] x = new float[rows.size() * f];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            if (r.length != f) {
                throw new DatasetException(dataUri + ": line " + (i + 1) + " has " + r.length + " values, expected " + f);
            }
            for (int k = 0; k < f; k++) {
                x[i * f + k] = (float) number(dataUri, i + 1, r[k]);
            }
            y[i] = number(targetUri, i + 1, t.get(i)[0]);
        }
        return new Dataset(dataUri, x, new int[] {f}, null, y, List.of());
    }

    /** Rows of {@code f} features then an integer label; line numbers in messages start at {@code firstLine}. */
    private static Dataset table(String uri, List<String[]> rows, int firstLine, int f, List<String> names) {
        float[] x = new float[rows.size() * f];
        int[] y = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            int line = firstLine + i;
            if (r.length != f + 1) {
                throw new DatasetException(uri + ": line " + line + " has " + r.length + " values, expected " + (f + 1));
            }
            for (int k = 0; k < f; k++) {
                x[i * f + k] = (float) number(uri, line, r[k]);
            }
            double label = number(uri, line, r[f]);
            if (label != Math.rint(label) || label < 0 || label >= names.size()) {
                throw new DatasetException(uri + ": line " + line + ": label " + r[f].trim() + " is not a class in [0, " + names.size() + ")");
            }
            y[i] = (int) label;
        }
        return new Dataset(uri, x, new int[] {f}, y, null, names);
    }

    private static double number(String uri, int line, String s) {
        try {
            double v = Double.parseDouble(s.trim());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new DatasetException(uri + ": line " + line + ": '" + s.trim() + "' is not a finite number");
        }
    }

    private static List<String[]> lines(String uri, String sep) {
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.open(uri), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(line.trim().split(sep));
                }
            }
        } catch (IOException e) {
            throw new DatasetException(uri + ": cannot read: " + e.getMessage(), e);
        }
        return out;
    }
}
