package io.hypergrad.common.data;

import io.hypergrad.common.random.CounterRng;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A user's table, prepared: features (standardised by the training rows' statistics), labels or
 * targets, optional groups, and each row's part (train, validation, test). Immutable; this is what
 * executors hold, loaded once per JVM from the cache ({@link TableCache#get}).
 *
 * <p>Rows are numbered in the source's deterministic order (see the driver's {@code TableSource}).
 * Features are held as {@code float} to halve the memory; {@link #copyFeatures} widens one row.
 *
 * <p><b>Splits.</b> Without a group column, each row's part is drawn from a counter-based hash of
 * (seed, row index) against the fractions, so adding rows at the end never moves earlier rows between
 * parts, and the part sizes are binomial around the fractions. With a group column, whole groups are
 * assigned: groups are ranked by a hash of (seed, group name) and the first round(validation × groups)
 * go to validation, the next round(test × groups) to test (at least one each when its fraction is
 * positive), the rest to training; so a group is never split, and each part gets exactly its share.
 * A split column, when named, decides instead (train / validation or val / test).
 */
public final class Table {
    /** A part of the table. */
    public enum Part { TRAIN, VALIDATION, TEST }

    private final int rows;
    private final float[] x;
    private final int[] shape;
    private final List<FeatureColumn> columns;
    private final List<String> featureNames;
    private final List<String> classes;
    private final int[] labels;
    private final double[] targets;
    private final int[] groups;
    private final List<String> groupNames;
    private final byte[] parts;
    private final int[][] partRows;
    private final double[] mean;
    private final double[] std;
    private final Map<String, String> provenance;
    private final String fingerprint;

    /** The fields as they are stored, checked for consistency (the cache's reader and {@link #build} use it). */
    Table(int rows, float[] x, int[] shape, List<FeatureColumn> columns, List<String> classes, int[] labels,
          double[] targets, int[] groups, List<String> groupNames, byte[] parts, double[] mean, double[] std,
          Map<String, String> provenance) {
        int f = Dataset.featureSize(shape);
        int width = columns.stream().mapToInt(FeatureColumn::width).sum();
        if (f != width || x.length != (long) rows * f || parts.length != rows || mean.length != f || std.length != f
                || (labels == null) == (targets == null) || (labels != null && labels.length != rows)
                || (targets != null && targets.length != rows) || (groups != null && groups.length != rows)) {
            throw new IllegalArgumentException("inconsistent table: " + rows + " rows, shape " + Arrays.toString(shape));
        }
        this.rows = rows;
        this.x = x;
        this.shape = shape.clone();
        this.columns = List.copyOf(columns);
        List<String> names = new ArrayList<>(f);
        for (FeatureColumn c : columns) {
            for (int i = 0; i < c.width(); i++) {
                names.add(c.valueName(i));
            }
        }
        this.featureNames = List.copyOf(names);
        this.classes = List.copyOf(classes);
        this.labels = labels;
        this.targets = targets;
        this.groups = groups;
        this.groupNames = groupNames == null ? List.of() : List.copyOf(groupNames);
        this.parts = parts;
        this.mean = mean;
        this.std = std;
        this.provenance = Collections.unmodifiableMap(new TreeMap<>(provenance));
        this.fingerprint = fingerprint(this.provenance);
        int[] counts = new int[3];
        for (byte p : parts) {
            counts[p]++;
        }
        partRows = new int[3][];
        for (int p = 0; p < 3; p++) {
            partRows[p] = new int[counts[p]];
        }
        int[] fill = new int[3];
        for (int r = 0; r < rows; r++) {
            partRows[parts[r]][fill[parts[r]]++] = r;
        }
    }

    /**
     * Builds a table from raw values in the source's row order: decides classes, groups and parts, and
     * standardises the features by the training rows' mean and std. For readers (the driver's
     * {@code TableSource}); a row with a null or NaN must have been dropped or refused before.
     *
     * @param spec       what was read and how to split it
     * @param provenance what the table was made from ({@link TableSpec#settings()} and the source files)
     * @param columns    the feature columns, in order
     * @param raw        raw features, row-major (rows × feature width); standardised in place
     * @param labels     label values as text (classification), else null
     * @param targets    targets (regression), else null
     * @param groups     group names (group mode), else null
     * @param splits     split column values (train, validation or val, test), else null
     * @throws DatasetException when the data cannot make a table (one class, too few groups, no training rows…)
     */
    public static Table build(TableSpec spec, Map<String, String> provenance, List<FeatureColumn> columns, float[] raw,
                              String[] labels, double[] targets, String[] groups, String[] splits) {
        int f = columns.stream().mapToInt(FeatureColumn::width).sum();
        int rows = raw.length / f;
        if (rows == 0) {
            throw new DatasetException(spec.source() + ": the table has no rows" + (spec.nulls().equals("drop") ? " (after dropping rows with nulls)" : ""));
        }
        int[] shape = spec.shape().length == 0 ? new int[] {f} : spec.shape();
        if (Dataset.featureSize(shape) != f) {
            throw new io.hypergrad.common.config.ConfigException("hypergrad.data.shape = " + Arrays.toString(shape) + " holds "
                    + Dataset.featureSize(shape) + " values, but the features give " + f + " per row");
        }
        List<String> classes = List.of();
        int[] y = null;
        if (spec.classification()) {
            classes = sortedClasses(labels);
            if (classes.size() < 2) {
                throw new DatasetException(spec.source() + ": the label '" + spec.label() + "' has one class (" + classes.get(0)
                        + ") in " + rows + " rows; classification needs at least two");
            }
            y = ids(labels, classes);
        }
        List<String> groupNames = null;
        int[] g = null;
        if (groups != null) {
            groupNames = List.copyOf(new TreeSet<>(Arrays.asList(groups)));
            if (groupNames.size() < 3) {
                throw new DatasetException(spec.source() + ": the group column '" + spec.group() + "' has " + groupNames.size()
                        + " group(s) " + groupNames + "; group mode needs at least 3 (train, validation and test groups)");
            }
            g = ids(groups, groupNames);
        }
        byte[] parts = splits != null ? partsFromColumn(spec, splits)
                : g != null ? partsOfGroups(spec, groupNames, g) : partsOfRows(spec, rows);
        double[] mean = new double[f];
        double[] std = new double[f];
        Arrays.fill(std, 1);
        if (spec.standardize()) {
            standardize(spec, raw, f, parts, mean, std);
        }
        return new Table(rows, raw, shape, columns, classes, y, targets, g, groupNames, parts, mean, std, provenance);
    }

    /** Class names sorted numerically when every value is a number, else as text; deterministic either way. */
    static List<String> sortedClasses(String[] labels) {
        TreeSet<String> distinct = new TreeSet<>(Arrays.asList(labels));
        List<String> out = new ArrayList<>(distinct);
        boolean numeric = out.stream().allMatch(Table::isNumber);
        if (numeric) {
            out.sort(Comparator.<String>comparingDouble(Double::parseDouble).thenComparing(Comparator.naturalOrder()));
        }
        return out;
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int[] ids(String[] values, List<String> names) {
        Map<String, Integer> id = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            id.put(names.get(i), i);
        }
        int[] out = new int[values.length];
        for (int r = 0; r < values.length; r++) {
            out[r] = id.get(values[r]);
        }
        return out;
    }

    private static byte[] partsFromColumn(TableSpec spec, String[] splits) {
        byte[] parts = new byte[splits.length];
        for (int r = 0; r < splits.length; r++) {
            String v = splits[r].trim().toLowerCase(java.util.Locale.ROOT);
            parts[r] = (byte) switch (v) {
                case "train" -> Part.TRAIN.ordinal();
                case "validation", "val" -> Part.VALIDATION.ordinal();
                case "test" -> Part.TEST.ordinal();
                default -> throw new DatasetException(spec.source() + ": row " + r + " of the split column '" + spec.splitColumn()
                        + "' says '" + splits[r] + "'; expected train, validation (or val) or test");
            };
        }
        return parts;
    }

    private static final long ROW_SALT = 0x7AB1E5L;
    private static final long GROUP_SALT = 0x6120B5L;

    private static byte[] partsOfRows(TableSpec spec, int rows) {
        byte[] parts = new byte[rows];
        for (int r = 0; r < rows; r++) {
            double u = (CounterRng.hash(spec.seed(), ROW_SALT, r) >>> 11) * 0x1.0p-53;
            parts[r] = (byte) (u < spec.validationFraction() ? Part.VALIDATION.ordinal()
                    : u < spec.validationFraction() + spec.testFraction() ? Part.TEST.ordinal() : Part.TRAIN.ordinal());
        }
        return parts;
    }

    private static byte[] partsOfGroups(TableSpec spec, List<String> names, int[] g) {
        int n = names.size();
        long[] key = new long[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            key[i] = CounterRng.hash(spec.seed(), GROUP_SALT, nameHash(names.get(i)));
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingLong(i -> key[i]).thenComparing(i -> names.get(i)));
        int nVal = share(spec.validationFraction(), n);
        int nTest = share(spec.testFraction(), n);
        if (nVal + nTest >= n) {
            throw new DatasetException(spec.source() + ": " + n + " groups leave none for training after " + nVal
                    + " validation and " + nTest + " test groups");
        }
        byte[] ofGroup = new byte[n];
        for (int k = 0; k < n; k++) {
            ofGroup[order[k]] = (byte) (k < nVal ? Part.VALIDATION.ordinal() : k < nVal + nTest ? Part.TEST.ordinal() : Part.TRAIN.ordinal());
        }
        byte[] parts = new byte[g.length];
        for (int r = 0; r < g.length; r++) {
            parts[r] = ofGroup[g[r]];
        }
        return parts;
    }

    private static int share(double fraction, int n) {
        return fraction <= 0 ? 0 : Math.max(1, (int) Math.round(fraction * n));
    }

    private static long nameHash(String name) {
        byte[] d = sha256().digest(name.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xFF);
        }
        return h;
    }

    private static void standardize(TableSpec spec, float[] x, int f, byte[] parts, double[] mean, double[] std) {
        long n = 0;
        double[] sq = new double[f];
        for (int r = 0; r < parts.length; r++) {
            if (parts[r] == Part.TRAIN.ordinal()) {
                n++;
                for (int k = 0; k < f; k++) {
                    mean[k] += x[r * f + k];
                }
            }
        }
        if (n == 0) {
            throw new DatasetException(spec.source() + ": no row fell in the training part (" + parts.length
                    + " rows); lower the validation and test fractions or add rows");
        }
        for (int k = 0; k < f; k++) {
            mean[k] /= n;
        }
        // two passes (mean, then squared deviations): no cancellation for columns with a large offset
        for (int r = 0; r < parts.length; r++) {
            if (parts[r] == Part.TRAIN.ordinal()) {
                for (int k = 0; k < f; k++) {
                    double d = x[r * f + k] - mean[k];
                    sq[k] += d * d;
                }
            }
        }
        for (int k = 0; k < f; k++) {
            double s = Math.sqrt(sq[k] / n);
            std[k] = s > 0 && Double.isFinite(s) ? s : 1;
        }
        for (int r = 0; r < parts.length; r++) {
            for (int k = 0; k < f; k++) {
                x[r * f + k] = (float) ((x[r * f + k] - mean[k]) / std[k]);
            }
        }
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Feature values per row. */
    public int featureSize() {
        return mean.length;
    }

    /** The shape of one example (the spec's, or {featureSize}). */
    public int[] featureShape() {
        return shape.clone();
    }

    /** The source feature columns, in order (what batch scoring reads from new input). */
    public List<FeatureColumn> featureColumns() {
        return columns;
    }

    /** One name per feature value: the column's, or {@code column[i]} for a vector or array column. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Whether the label is a class. */
    public boolean classification() {
        return labels != null;
    }

    /** Class names; index = class id. Sorted numerically when all are numbers, else as text. Empty for regression. */
    public List<String> classes() {
        return classes;
    }

    /** Class ids per row, or null for regression. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** Class id of one row (classification). */
    public int label(int row) {
        return labels[row];
    }

    /** Targets per row, or null for classification. */
    public double[] targets() {
        return targets == null ? null : targets.clone();
    }

    /** Target of one row (regression). */
    public double target(int row) {
        return targets[row];
    }

    /** Group ids per row (index into {@link #groupNames()}), or null without a group column. */
    public int[] groups() {
        return groups == null ? null : groups.clone();
    }

    /** Group names, sorted; index = group id. Empty without a group column. */
    public List<String> groupNames() {
        return groupNames;
    }

    /** The rows of a part, ascending. */
    public int[] rows(Part part) {
        return partRows[part.ordinal()].clone();
    }

    /** The part a row belongs to. */
    public Part part(int row) {
        return Part.values()[parts[row]];
    }

    /** One row's features (standardised when the spec says so), widened to double, into {@code dst} at {@code offset}. */
    public void copyFeatures(int row, double[] dst, int offset) {
        int f = mean.length;
        int base = row * f;
        for (int k = 0; k < f; k++) {
            dst[offset + k] = x[base + k];
        }
    }

    /** The training rows' mean per feature (0 when not standardised). */
    public double[] mean() {
        return mean.clone();
    }

    /** The training rows' std per feature (1 for a constant column, and when not standardised). */
    public double[] std() {
        return std.clone();
    }

    /** A hex SHA-256 of the provenance: equal fingerprints mean the same source files, columns, options and split. */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * What the table was made from, readable: each source file ({@code file <name>} → size and
     * modification time) and the settings of {@link TableSpec#settings()}. The fingerprint hashes it.
     */
    public Map<String, String> provenance() {
        return provenance;
    }

    /** Bytes held in memory by the arrays (features as floats, labels, groups, parts). */
    public long bytes() {
        return bytes(rows, mean.length, groups != null, targets != null);
    }

    /** The memory a table of this size takes, for budgets checked before reading. */
    public static long bytes(long rows, int features, boolean groups, boolean regression) {
        return rows * (4L * features + (regression ? 8 : 4) + (groups ? 4 : 0) + 1 + 4);
    }

    /** The fingerprint of a provenance: SHA-256 over its entries sorted by key. */
    public static String fingerprint(Map<String, String> provenance) {
        MessageDigest md = sha256();
        for (Map.Entry<String, String> e : new TreeMap<>(provenance).entrySet()) {
            md.update((e.getKey() + "\t" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * What differs between two provenances, one clause per entry, joined by "; " (empty when equal), e.g.
     * {@code file part-0001.parquet: size 1234 → 1300}. Values made of comma-separated "word value"
     * parts (a file's size and modification time) name only the parts that changed.
     */
    public static String changes(Map<String, String> before, Map<String, String> after) {
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            String a = before.get(k);
            String b = after.get(k);
            if (a == null) {
                out.add(k + ": added (" + b + ")");
            } else if (b == null) {
                out.add(k + ": removed (was " + a + ")");
            } else if (!a.equals(b)) {
                out.add(k + ": " + partsChanged(a, b));
            }
        }
        return String.join("; ", out);
    }

    private static String partsChanged(String a, String b) {
        String[] pa = a.split(", ");
        String[] pb = b.split(", ");
        if (pa.length == pb.length && pa.length > 1) {
            List<String> out = new ArrayList<>();
            boolean sameWords = true;
            for (int i = 0; i < pa.length; i++) {
                String[] wa = pa[i].split(" ", 2);
                String[] wb = pb[i].split(" ", 2);
                if (wa.length != 2 || wb.length != 2 || !wa[0].equals(wb[0])) {
                    sameWords = false;
                    break;
                }
                if (!wa[1].equals(wb[1])) {
                    out.add(wa[0] + " " + wa[1] + " → " + wb[1]);
                }
            }
            if (sameWords) {
                return String.join(", ", out);
            }
        }
        return a + " → " + b;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // for the cache's writer
    float[] rawFeatures() {
        return x;
    }

    byte[] rawParts() {
        return parts;
    }

    int[] rawLabels() {
        return labels;
    }

    double[] rawTargets() {
        return targets;
    }

    int[] rawGroups() {
        return groups;
    }

    double[] rawMean() {
        return mean;
    }

    double[] rawStd() {
        return std;
    }
}
