package io.hypergrad.driver.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.hypergrad.common.data.DatasetException;
import io.hypergrad.common.data.FeatureColumn;
import io.hypergrad.common.data.Table;
import io.hypergrad.common.data.TableCache;
import io.hypergrad.common.data.TableSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a user's table through Spark, validates it, and prepares it as a {@link Table} (in memory) or
 * as a table cache file executors load ({@link #prepare}).
 *
 * <p><b>Row order.</b> Splits and results must not depend on how Spark partitions the read, so rows are
 * numbered in file order: each row carries its file's path and the start of the file split it came
 * from ({@code _metadata.file_path}, {@code _metadata.file_block_start}); executors encode each run of
 * rows from one split as a segment, and the driver orders segments by (path, split start). Within a
 * split Spark reads rows in file order, so the result is the files' contents in path order, whatever
 * the partition count or split size. A catalog table that is not backed by files has no
 * {@code _metadata}; its rows keep the order of its partitions, deterministic only as far as its plan is.
 *
 * <p><b>Memory.</b> The table is collected to the driver as compact per-partition blocks (floats), not
 * as {@code Row} objects; the budget ({@code maxBytes}) is checked from a count before anything is
 * collected. The collected blocks count towards {@code spark.driver.maxResultSize}.
 *
 * <p>Every refusal is one line: {@link DatasetException} for data that does not fit the spec,
 * {@link io.hypergrad.common.config.ConfigException} for a spec that does not fit the data's shape.
 */
public final class TableSource {
    private static final String FILE = "__hypergrad_file";
    private static final String BLOCK = "__hypergrad_block";

    private TableSource() {}

    /**
     * Reads, validates and builds the table.
     *
     * @throws DatasetException for missing columns, non-numeric features, nulls (with nulls = fail), one
     *                          class, an empty table, a missing or unreadable source, too few groups, or a
     *                          table over the memory budget
     */
    public static Table read(SparkSession spark, TableSpec spec) {
        if (spec.dataFrame()) {
            throw new IllegalArgumentException("a DataFrame spec has nothing to read: use read(Dataset, TableSpec)");
        }
        Map<String, String> provenance = provenance(spark, spec);
        return read(load(spark, spec), spec, provenance);
    }

    /**
     * Validates and builds the table from rows the caller already has (the Spark ML estimators, the
     * notebook API): the same checks, split and standardisation as a read source. The spec's format is
     * {@link TableSpec#DATAFRAME}. Its provenance is the spec's settings, the schema, and a SHA-256 of the
     * collected contents (a DataFrame has no files to fingerprint). Rows keep the DataFrame's order:
     * file order when it still reads files directly, else its partitions' order.
     *
     * @throws DatasetException as {@link #read(SparkSession, TableSpec)}
     */
    public static Table read(Dataset<Row> df, TableSpec spec) {
        if (!spec.dataFrame()) {
            throw new IllegalArgumentException("spec format " + spec.format() + " names a source: use read(SparkSession, TableSpec)");
        }
        Map<String, String> provenance = new LinkedHashMap<>(spec.settings());
        provenance.put("schema", df.schema().simpleString());
        return read(df, spec, provenance);
    }

    private static Table read(Dataset<Row> df, TableSpec spec, Map<String, String> provenance) {
        // Counted before the columns are judged: an empty CSV's columns all infer as strings, and "no rows"
        // is the cause a user needs to hear, not "no numeric feature column".
        long rows = guard(spec, () -> df.count());
        if (rows == 0) {
            throw new DatasetException(spec.source() + ": the table has no rows");
        }
        Plan plan = plan(df, spec);
        List<FeatureColumn> columns = widths(df, spec, plan);
        int f = columns.stream().mapToInt(FeatureColumn::width).sum();
        long need = Table.bytes(rows, f, spec.groupMode(), !spec.classification());
        if (need > spec.maxBytes()) {
            throw new DatasetException(spec.source() + ": the table needs " + mib(need) + " in each executor (" + rows + " rows × " + f
                    + " features) but hypergrad.data.maxMegabytes = " + mib(spec.maxBytes()) + "; raise it (and the executors' memory) or select fewer rows or columns");
        }
        Collected c = collect(df, spec, plan, columns);
        c.checkNulls(spec, plan, columns);
        if (spec.dataFrame()) {
            provenance.put("content", c.digest());
        }
        return Table.build(spec, provenance, columns, c.x, c.labels, c.targets, c.groups, c.splits);
    }

    /**
     * Prepares the table as a cache file {@code cacheDir/table-<fingerprint prefix>.hgt} and returns its
     * fully qualified URI. A valid cache with the same fingerprint (same files, sizes, modification
     * times, columns, options and split) is reused without reading the data; a catalog table is always
     * read again, since its contents cannot be fingerprinted from a file listing.
     */
    public static String prepare(SparkSession spark, TableSpec spec, String cacheDir) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        if (!spec.format().equals("table")) {
            String fingerprint = Table.fingerprint(sourceProvenance(conf, spec));
            String uri = cacheUri(conf, cacheDir, fingerprint);
            if (exists(conf, uri)) {
                try {
                    if (TableCache.verify(uri).equals(fingerprint)) {
                        return uri;
                    }
                } catch (DatasetException damaged) {
                    // a torn or damaged cache is simply prepared again
                }
            }
        }
        Table t = read(spark, spec);
        String uri = cacheUri(conf, cacheDir, t.fingerprint());
        TableCache.write(t, uri);
        return uri;
    }

    /**
     * What a table prepared from {@code spec} would record as provenance, from a file listing alone (no
     * data read): each file under the path with its size and modification time, and the spec's
     * settings. Compare with {@link Table#provenance()} through {@link Table#changes} on a resume.
     *
     * @throws DatasetException when the path does not exist or holds no data files
     */
    public static Map<String, String> sourceProvenance(Configuration hadoop, TableSpec spec) {
        Map<String, String> m = new LinkedHashMap<>(spec.settings());
        if (spec.format().equals("table")) {
            m.put("files", "(a catalog table: identified by name only)");
            return m;
        }
        Map<String, String> files = new TreeMap<>();
        try {
            Path root = new Path(spec.path());
            FileSystem fs = root.getFileSystem(hadoop);
            FileStatus[] matched = fs.globStatus(root);
            if (matched == null || matched.length == 0) {
                throw new DatasetException(spec.path() + ": the path does not exist (hypergrad.data.path)");
            }
            for (FileStatus s : matched) {
                if (s.isFile()) {
                    files.put("file " + s.getPath().getName(), describe(s));
                    continue;
                }
                String base = s.getPath().toUri().getPath();
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(s.getPath(), true);
                while (it.hasNext()) {
                    LocatedFileStatus f = it.next();
                    String rel = f.getPath().toUri().getPath().substring(base.length()).replaceFirst("^/", "");
                    if (!hidden(rel)) {
                        files.put("file " + rel, describe(f));
                    }
                }
            }
        } catch (IOException e) {
            throw new DatasetException(spec.path() + ": cannot list: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new DatasetException(spec.path() + ": no data files (the folder is empty or holds only hidden files)");
        }
        m.putAll(files);
        return m;
    }

    /** Spark skips files and folders whose names start with _ or . (_SUCCESS, .crc files); so does the fingerprint. */
    private static boolean hidden(String rel) {
        for (String part : rel.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(FileStatus s) {
        return "size " + s.getLen() + ", modified " + Instant.ofEpochMilli(s.getModificationTime());
    }

    private static Map<String, String> provenance(SparkSession spark, TableSpec spec) {
        return sourceProvenance(spark.sparkContext().hadoopConfiguration(), spec);
    }

    private static String cacheUri(Configuration conf, String cacheDir, String fingerprint) {
        Path p = new Path(cacheDir, "table-" + fingerprint.substring(0, 16) + ".hgt");
        try {
            return p.getFileSystem(conf).makeQualified(p).toString();
        } catch (IOException e) {
            throw new DatasetException(cacheDir + ": cannot open the cache folder: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Configuration conf, String uri) {
        try {
            Path p = new Path(uri);
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            return false;
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    // ---- reading and checking the columns

    private static Dataset<Row> load(SparkSession spark, TableSpec spec) {
        if (spec.format().equals("table")) {
            return guard(spec, () -> spark.table(spec.table()));
        }
        Map<String, String> options = TableReader.defaultOptions(spec.format());
        options.putAll(spec.options());
        return guard(spec, () -> spark.read().format(spec.format()).options(options).load(spec.path()));
    }

    /** Which selected column holds what. */
    private record Plan(String label, String group, String split, List<String> features, List<FeatureColumn.Kind> kinds) {}

    private static Plan plan(Dataset<Row> df, TableSpec spec) {
        StructType schema = df.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        String listed = String.join(", ", names);
        require(spec, names, spec.label(), "hypergrad.data.label", listed);
        DataType labelType = schema.apply(spec.label()).dataType();
        if (!spec.classification() && !(labelType instanceof NumericType)) {
            throw new DatasetException(spec.source() + ": the label '" + spec.label() + "' is " + labelType.simpleString()
                    + "; a regression label must be numeric (or use a classification loss)");
        }
        if (spec.classification() && !(labelType instanceof NumericType || labelType instanceof StringType || labelType instanceof BooleanType)) {
            throw new DatasetException(spec.source() + ": the label '" + spec.label() + "' is " + labelType.simpleString()
                    + "; a class label must be a number, a string or a boolean");
        }
        if (spec.group() != null) {
            require(spec, names, spec.group(), "hypergrad.data.group", listed);
        }
        if (spec.splitColumn() != null) {
            require(spec, names, spec.splitColumn(), "hypergrad.data.split.column", listed);
            if (!(schema.apply(spec.splitColumn()).dataType() instanceof StringType)) {
                throw new DatasetException(spec.source() + ": the split column '" + spec.splitColumn() + "' is "
                        + schema.apply(spec.splitColumn()).dataType().simpleString() + "; it must hold the strings train, validation (or val) and test");
            }
        }
        List<String> features = new ArrayList<>();
        List<FeatureColumn.Kind> kinds = new ArrayList<>();
        if (spec.features().isEmpty()) {
            List<String> others = new ArrayList<>();
            for (StructField field : schema.fields()) {
                String n = field.name();
                if (n.equals(spec.label()) || n.equals(spec.group()) || n.equals(spec.splitColumn())) {
                    continue;
                }
                FeatureColumn.Kind k = RowFeatures.kindOf(field.dataType());
                if (k == FeatureColumn.Kind.NUMBER) {
                    features.add(n);
                    kinds.add(k);
                } else if (k != null) {
                    others.add(n);
                }
            }
            if (features.isEmpty() && others.size() == 1) {
                features.add(others.get(0));
                kinds.add(RowFeatures.kindOf(schema.apply(others.get(0)).dataType()));
            }
            if (features.isEmpty()) {
                throw new DatasetException(spec.source() + ": no numeric feature column besides the label, group and split column; the columns are: "
                        + typed(schema) + " (encode text columns with StringIndexer/OneHotEncoder upstream, or name a vector or array column in hypergrad.data.features)");
            }
        } else {
            for (String n : spec.features()) {
                require(spec, names, n, "hypergrad.data.features", listed);
                DataType t = schema.apply(n).dataType();
                FeatureColumn.Kind k = RowFeatures.kindOf(t);
                if (k == null) {
                    throw new DatasetException(spec.source() + ": feature column '" + n + "' is " + t.simpleString()
                            + ", not numeric; encode it with StringIndexer/OneHotEncoder upstream or drop it from hypergrad.data.features"
                            + (spec.format().equals("csv") && t instanceof StringType ? " (if it holds missing-value markers such as NA, set the csv option nullValue)" : ""));
                }
                features.add(n);
                kinds.add(k);
            }
        }
        return new Plan(spec.label(), spec.group(), spec.splitColumn(), features, kinds);
    }

    private static void require(TableSpec spec, List<String> names, String column, String key, String listed) {
        if (!names.contains(column)) {
            throw new DatasetException(spec.source() + ": no column '" + column + "' (" + key + "); the columns are: " + listed);
        }
    }

    private static String typed(StructType schema) {
        List<String> out = new ArrayList<>();
        for (StructField f : schema.fields()) {
            out.add(f.name() + " (" + f.dataType().simpleString() + ")");
        }
        return String.join(", ", out);
    }

    /** The width of each vector or array column, from its first non-null value. */
    private static List<FeatureColumn> widths(Dataset<Row> df, TableSpec spec, Plan plan) {
        List<FeatureColumn> out = new ArrayList<>();
        for (int i = 0; i < plan.features().size(); i++) {
            String n = plan.features().get(i);
            FeatureColumn.Kind k = plan.kinds().get(i);
            int width = 1;
            if (k != FeatureColumn.Kind.NUMBER) {
                List<Row> first = guard(spec, () -> df.select(col(n)).where(col(n).isNotNull()).limit(1).collectAsList());
                if (first.isEmpty()) {
                    throw new DatasetException(spec.source() + ": feature column '" + n + "' is null in every row");
                }
                Object v = first.get(0).get(0);
                width = k == FeatureColumn.Kind.VECTOR ? ((org.apache.spark.ml.linalg.Vector) v).size() : first.get(0).getList(0).size();
                if (width == 0) {
                    throw new DatasetException(spec.source() + ": feature column '" + n + "' holds empty " + k.name().toLowerCase(java.util.Locale.ROOT) + "s");
                }
            }
            out.add(new FeatureColumn(n, k, width));
        }
        return out;
    }

    // ---- collecting

    /**
     * The columns the executors encode: the file and split start (for the row order), label, group,
     * split column, features.
     */
    private static Dataset<Row> selected(Dataset<Row> df, TableSpec spec, Plan plan) {
        List<Column> cols = new ArrayList<>();
        cols.add(col(plan.label()).as("__hypergrad_label"));
        cols.add((plan.group() == null ? lit(null) : col(plan.group())).cast("string").as("__hypergrad_group"));
        cols.add((plan.split() == null ? lit(null) : col(plan.split())).cast("string").as("__hypergrad_split"));
        for (String f : plan.features()) {
            cols.add(col(f));
        }
        List<Column> withOrder = new ArrayList<>();
        withOrder.add(col("_metadata.file_path").as(FILE));
        withOrder.add(col("_metadata.file_block_start").as(BLOCK));
        withOrder.addAll(cols);
        try {
            return df.select(withOrder.toArray(new Column[0]));
        } catch (Exception noMetadata) {
            // not backed by files (a view, an in-memory table): partition order it is
            List<Column> plain = new ArrayList<>();
            plain.add(lit("").as(FILE));
            plain.add(lit(0L).as(BLOCK));
            plain.addAll(cols);
            return guard(spec, () -> df.select(plain.toArray(new Column[0])));
        }
    }

    private static Collected collect(Dataset<Row> df, TableSpec spec, Plan plan, List<FeatureColumn> columns) {
        Dataset<Row> sel = selected(df, spec, plan);
        RowFeatures reader = RowFeatures.raw(columns).bind(sel.schema());
        Encoder encoder = new Encoder(reader, spec.classification(), plan.group() != null, plan.split() != null, columns.size());
        List<byte[]> blocks = guard(spec, () -> sel.javaRDD().mapPartitions(encoder).collect());
        return Collected.decode(blocks, reader.size(), spec.classification(), plan.group() != null, plan.split() != null, columns.size());
    }

    /**
     * Encodes one partition as segments, one per run of rows from the same file split: a header (file
     * path, split start, row count, byte lengths), the features as floats, then per row the label (text,
     * or a double for regression), the group and the split value. Rows with a null, NaN or infinite
     * value in a used column are left out and counted per column; the counts close the block.
     */
    static final class Encoder implements FlatMapFunction<Iterator<Row>, byte[]>, Serializable {
        private static final long serialVersionUID = 1L;
        private final RowFeatures reader;
        private final boolean classification;
        private final boolean grouped;
        private final boolean split;
        private final int featureColumns;

        Encoder(RowFeatures reader, boolean classification, boolean grouped, boolean split, int featureColumns) {
            this.reader = reader;
            this.classification = classification;
            this.grouped = grouped;
            this.split = split;
            this.featureColumns = featureColumns;
        }

        @Override
        public Iterator<byte[]> call(Iterator<Row> rows) throws IOException {
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(block);
            // nulls per column: features…, label, group, split
            long[] nulls = new long[featureColumns + 3];
            double[] v = new double[reader.size()];
            ByteBuffer floats = ByteBuffer.allocate(0);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            DataOutputStream restOut = new DataOutputStream(rest);
            String file = null;
            long start = -1;
            int n = 0;
            while (rows.hasNext()) {
                Row r = rows.next();
                String rf = r.getString(0);
                long rs = r.getLong(1);
                if (file == null || !file.equals(rf) || start != rs) {
                    if (file != null) {
                        segment(out, file, start, n, floats, rest);
                    }
                    file = rf;
                    start = rs;
                    n = 0;
                    floats.clear();
                    rest.reset();
                }
                int bad = reader.tryCopy(r, v, 0);
                Object label = r.get(2);
                boolean badLabel = label == null || (label instanceof Number x && !Double.isFinite(x.doubleValue()));
                boolean badGroup = grouped && r.isNullAt(3);
                boolean badSplit = split && r.isNullAt(4);
                if (bad >= 0 || badLabel || badGroup || badSplit) {
                    if (bad >= 0) {
                        nulls[bad]++;
                    }
                    nulls[featureColumns] += badLabel ? 1 : 0;
                    nulls[featureColumns + 1] += badGroup ? 1 : 0;
                    nulls[featureColumns + 2] += badSplit ? 1 : 0;
                    continue;
                }
                if (floats.remaining() < 4 * v.length) {
                    ByteBuffer bigger = ByteBuffer.allocate(Math.max(4 * v.length, floats.capacity() * 2));
                    floats.flip();
                    bigger.put(floats);
                    floats = bigger;
                }
                for (double x : v) {
                    floats.putFloat((float) x);
                }
                if (classification) {
                    text(restOut, label.toString());
                } else {
                    restOut.writeDouble(((Number) label).doubleValue());
                }
                text(restOut, r.isNullAt(3) ? "" : r.getString(3));
                text(restOut, r.isNullAt(4) ? "" : r.getString(4));
                n++;
            }
            if (file != null) {
                segment(out, file, start, n, floats, rest);
            }
            out.writeBoolean(false);
            for (long c : nulls) {
                out.writeLong(c);
            }
            out.flush();
            return List.of(block.toByteArray()).iterator();
        }

        /** Length-prefixed UTF-8 (writeUTF's modified UTF-8 would need its own decoder, and stops at 64 KiB). */
        private static void text(DataOutputStream out, String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        private static void segment(DataOutputStream out, String file, long start, int n, ByteBuffer floats, ByteArrayOutputStream rest) throws IOException {
            out.writeBoolean(true);
            text(out, file);
            out.writeLong(start);
            out.writeInt(n);
            out.writeInt(floats.position());
            out.write(floats.array(), 0, floats.position());
            out.writeInt(rest.size());
            rest.writeTo(out);
        }
    }

    /** The decoded table in source order. */
    private static final class Collected {
        float[] x;
        String[] labels;
        double[] targets;
        String[] groups;
        String[] splits;
        long[] nulls;
        long dropped;

        /** One segment's place: which block, where its bytes start, its sort key. */
        private record Segment(String file, long start, int partition, int order, byte[] block, int at, int rows) {}

        static Collected decode(List<byte[]> blocks, int f, boolean classification, boolean grouped, boolean split, int featureColumns) {
            List<Segment> segments = new ArrayList<>();
            Collected c = new Collected();
            c.nulls = new long[featureColumns + 3];
            for (int p = 0; p < blocks.size(); p++) {
                ByteBuffer b = ByteBuffer.wrap(blocks.get(p));
                int order = 0;
                while (b.get() != 0) {
                    String file = utf(b);
                    long start = b.getLong();
                    int rows = b.getInt();
                    segments.add(new Segment(file, start, p, order++, blocks.get(p), b.position(), rows));
                    for (int skip = 0; skip < 2; skip++) {
                        int len = b.getInt();
                        b.position(b.position() + len);
                    }
                }
                for (int i = 0; i < c.nulls.length; i++) {
                    c.nulls[i] += b.getLong();
                }
            }
            segments.sort(Comparator.comparing(Segment::file).thenComparingLong(Segment::start)
                    .thenComparingInt(Segment::partition).thenComparingInt(Segment::order));
            long total = segments.stream().mapToLong(Segment::rows).sum();
            c.x = new float[Math.toIntExact(total * f)];
            c.labels = classification ? new String[(int) total] : null;
            c.targets = classification ? null : new double[(int) total];
            c.groups = grouped ? new String[(int) total] : null;
            c.splits = split ? new String[(int) total] : null;
            int row = 0;
            for (Segment s : segments) {
                ByteBuffer b = ByteBuffer.wrap(s.block());
                b.position(s.at());
                int len = b.getInt();
                b.slice(b.position(), len).asFloatBuffer().get(c.x, row * f, s.rows() * f);
                b.position(b.position() + len);
                b.getInt();
                for (int i = 0; i < s.rows(); i++, row++) {
                    if (classification) {
                        c.labels[row] = utf(b);
                    } else {
                        c.targets[row] = b.getDouble();
                    }
                    String g = utf(b);
                    String sp = utf(b);
                    if (grouped) {
                        c.groups[row] = g;
                    }
                    if (split) {
                        c.splits[row] = sp;
                    }
                }
            }
            return c;
        }

        /** SHA-256 over the decoded rows (features, labels or targets, groups, split values), in order. */
        String digest() {
            try {
                java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
                ByteBuffer row = ByteBuffer.allocate(8);
                for (float v : x) {
                    md.update(row.clear().putInt(Float.floatToIntBits(v)).array(), 0, 4);
                }
                if (targets != null) {
                    for (double t : targets) {
                        md.update(row.clear().putLong(Double.doubleToLongBits(t)).array(), 0, 8);
                    }
                }
                for (String[] texts : new String[][] {labels, groups, splits}) {
                    if (texts != null) {
                        for (String t : texts) {
                            md.update((t + "\n").getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
                return "rows " + (labels != null ? labels.length : targets.length) + ", sha256 " + java.util.HexFormat.of().formatHex(md.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String utf(ByteBuffer b) {
            byte[] s = new byte[b.getInt()];
            b.get(s);
            return new String(s, StandardCharsets.UTF_8);
        }

        void checkNulls(TableSpec spec, Plan plan, List<FeatureColumn> columns) {
            if (spec.nulls().equals("drop")) {
                return;
            }
            List<String> named = new ArrayList<>();
            for (int i = 0; i < nulls.length; i++) {
                if (nulls[i] > 0) {
                    String column = i < columns.size() ? columns.get(i).name() : i == columns.size() ? plan.label() : i == columns.size() + 1 ? plan.group() : plan.split();
                    named.add(nulls[i] + " in '" + column + "'");
                }
            }
            if (!named.isEmpty()) {
                throw new DatasetException(spec.source() + ": rows with a null, NaN or infinite value: " + String.join(", ", named)
                        + "; set hypergrad.data.nulls = drop to leave such rows out");
            }
        }
    }

    // ---- errors

    /** Runs a Spark action, rephrasing its failure as one line without Spark's stack trace. */
    private static <T> T guard(TableSpec spec, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (DatasetException e) {
            throw e;
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                if (root instanceof DatasetException d) {
                    throw new DatasetException(d.getMessage(), e);
                }
                root = root.getCause();
            }
            if (root instanceof DatasetException d) {
                throw new DatasetException(d.getMessage(), e);
            }
            String what = e instanceof AnalysisException a ? a.getSimpleMessage() : firstLine(root.getMessage() == null ? root.toString() : root.getMessage());
            throw new DatasetException(spec.source() + ": cannot read the " + spec.format() + " data: " + firstLine(what), e);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
