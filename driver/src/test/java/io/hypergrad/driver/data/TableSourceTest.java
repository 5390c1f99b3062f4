package io.hypergrad.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.data.Dataset;
import io.hypergrad.common.data.DatasetException;
import io.hypergrad.common.data.Datasets;
import io.hypergrad.common.data.SklearnReader;
import io.hypergrad.common.data.Table;
import io.hypergrad.common.data.Table.Part;
import io.hypergrad.common.data.TableCache;
import io.hypergrad.common.data.TableSpec;
import io.hypergrad.driver.spark.SparkSetup;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's table read through Spark, on real data: sklearn's breast cancer (classification, 569 rows ×
 * 30 features, labels as the strings malignant / benign) and diabetes (regression, 442 × 10), written
 * as CSV with a header and as Parquet. Skipped, loudly, without the fetched datasets.
 */
class TableSourceTest {
    static final String DATA = Datasets.dataDir(null);
    static SparkSession spark;
    @TempDir
    static Path dir;
    static Dataset cancer;
    static String cancerCsv;
    static String cancerParquet;
    static Dataset diabetes;
    static String diabetesCsv;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(new File(DATA, "sklearn/breast_cancer.csv").isFile() && new File(DATA, "sklearn/diabetes_data_raw.csv.gz").isFile(),
                "SKIPPED: no sklearn datasets in " + DATA + " — fetch them with: deploy/bin/hypergrad fetch-data");
        // The project's own settings, registration-required Kryo included: every format's reads must pass
        // through HypergradKryoRegistrator's Spark SQL classes.
        spark = SparkSession.builder().config(SparkSetup.configure(new SparkConf().setMaster("local[2]").setAppName("table-test")
                .set("spark.ui.enabled", "false").set("spark.sql.shuffle.partitions", "2"))).getOrCreate();
        cancer = SklearnReader.readWithHeader(DATA + "/sklearn/breast_cancer.csv");
        cancerCsv = writeCsv(cancer, "cancer.csv", r -> cancer.classNames().get(cancer.labels()[r]), "diagnosis");
        cancerParquet = dir.resolve("cancer.parquet").toString();
        spark.read().option("header", "true").option("inferSchema", "true").csv(cancerCsv).write().parquet(cancerParquet);
        diabetes = SklearnReader.readDiabetes(DATA + "/sklearn/diabetes_data_raw.csv.gz", DATA + "/sklearn/diabetes_target.csv.gz");
        diabetesCsv = writeCsv(diabetes, "diabetes.csv", r -> Double.toString(diabetes.targets()[r]), "progression");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** A CSV with a header f0…f(n-1) and the label column, the dataset's rows in order. */
    static String writeCsv(Dataset d, String name, Function<Integer, String> label, String labelName) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < d.featureSize(); k++) {
            sb.append('f').append(k).append(',');
        }
        sb.append(labelName).append('\n');
        double[] row = new double[d.featureSize()];
        for (int r = 0; r < d.size(); r++) {
            d.copyExample(r, row, 0);
            for (double v : row) {
                sb.append((float) v).append(',');
            }
            sb.append(label.apply(r)).append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString());
        return p.toString();
    }

    static TableSpec spec(String format, String path, String label, boolean classification) {
        return TableSpec.of(format, path, label, classification);
    }

    /** The spec with other settings (a record has no withers; tests vary a few fields). */
    static TableSpec with(TableSpec s, List<String> features, String group, int[] shape, double val, double test, String split,
                          String nulls, long seed, long maxBytes) {
        return new TableSpec(s.format(), s.path(), s.table(), s.options(), s.label(), features, group, shape, val, test, split,
                s.standardize(), nulls, s.classification(), seed, maxBytes);
    }

    static TableSpec seeded(TableSpec s, long seed) {
        return with(s, s.features(), s.group(), s.shape(), s.validationFraction(), s.testFraction(), s.splitColumn(), s.nulls(), seed, s.maxBytes());
    }

    static TableSpec features(TableSpec s, String... features) {
        return with(s, List.of(features), s.group(), s.shape(), s.validationFraction(), s.testFraction(), s.splitColumn(), s.nulls(), s.seed(), s.maxBytes());
    }

    /** A table's features in source units (standardisation undone), for comparison with the source. */
    static double[] raw(Table t, int row) {
        double[] v = new double[t.featureSize()];
        t.copyFeatures(row, v, 0);
        double[] m = t.mean();
        double[] s = t.std();
        for (int k = 0; k < v.length; k++) {
            v[k] = v[k] * s[k] + m[k];
        }
        return v;
    }

    static void assertSourceRows(Dataset d, Table t) {
        assertEquals(d.size(), t.rows());
        double[] want = new double[d.featureSize()];
        for (int r = 0; r < d.size(); r++) {
            d.copyExample(r, want, 0);
            double[] got = raw(t, r);
            for (int k = 0; k < want.length; k++) {
                assertEquals(want[k], got[k], 1e-5 * Math.max(1, Math.abs(want[k])), "row " + r + " feature " + k);
            }
        }
    }

    @Test
    void csvAndParquetGiveTheSourceRowsInFileOrderWithClassesSorted() {
        for (String[] src : new String[][] {{"csv", cancerCsv}, {"parquet", cancerParquet}}) {
            Table t = TableSource.read(spark, spec(src[0], src[1], "diagnosis", true));
            assertEquals(List.of("benign", "malignant"), t.classes(), src[0]);
            assertEquals(30, t.featureSize());
            assertArrayEquals(new int[] {30}, t.featureShape());
            assertEquals("f0", t.featureNames().get(0));
            assertSourceRows(cancer, t);
            for (int r = 0; r < t.rows(); r++) {
                assertEquals(cancer.classNames().get(cancer.labels()[r]), t.classes().get(t.labels()[r]));
            }
            assertNull(t.targets());
        }
    }

    @Test
    void rowOrderDoesNotDependOnHowSparkSplitsTheFile() {
        TableSpec s = spec("csv", cancerCsv, "diagnosis", true);
        Table whole = TableSource.read(spark, s);
        String before = spark.conf().get("spark.sql.files.maxPartitionBytes");
        spark.conf().set("spark.sql.files.maxPartitionBytes", "8192");
        try {
            assertTrue(spark.read().option("header", "true").csv(cancerCsv).rdd().getNumPartitions() > 5);
            Table pieces = TableSource.read(spark, s);
            for (int r = 0; r < whole.rows(); r++) {
                assertArrayEquals(raw(whole, r), raw(pieces, r), "row " + r);
                assertEquals(whole.part(r), pieces.part(r));
            }
        } finally {
            spark.conf().set("spark.sql.files.maxPartitionBytes", before);
        }
    }

    /**
     * Per-row hashing makes the part sizes binomial: with n = 569 and p = 0.2 the std is √(569·0.2·0.8)
     * ≈ 9.5 rows, so ±4σ = ±38 rows (±0.067) fails a correct split with probability ~6e-5 per part.
     */
    @Test
    void splitsHaveTheFractionsAndFollowTheSeed() {
        TableSpec s = spec("parquet", cancerParquet, "diagnosis", true);
        Table a = TableSource.read(spark, s);
        Table again = TableSource.read(spark, s);
        Table other = TableSource.read(spark, seeded(s, 7));
        int n = a.rows();
        double sigma4 = 4 * Math.sqrt(n * 0.2 * 0.8);
        assertEquals(0.2 * n, a.rows(Part.VALIDATION).length, sigma4);
        assertEquals(0.2 * n, a.rows(Part.TEST).length, sigma4);
        assertEquals(n, a.rows(Part.TRAIN).length + a.rows(Part.VALIDATION).length + a.rows(Part.TEST).length);
        Set<Integer> seen = new HashSet<>();
        for (Part p : Part.values()) {
            int[] rows = a.rows(p);
            for (int i = 0; i < rows.length; i++) {
                assertTrue(i == 0 || rows[i] > rows[i - 1], "ascending");
                assertTrue(seen.add(rows[i]), "disjoint");
            }
            assertArrayEquals(rows, again.rows(p), "same seed, same split");
        }
        assertFalse(Arrays.equals(a.rows(Part.TEST), other.rows(Part.TEST)), "another seed, another split");
        assertNotEquals(a.fingerprint(), other.fingerprint());
        assertEquals(a.fingerprint(), again.fingerprint());
    }

    @Test
    void aSplitColumnDecidesThePartsWhenNamed(@TempDir Path tmp) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(cancerCsv));
        StringBuilder sb = new StringBuilder(lines.get(0) + ",part\n");
        String[] names = {"train", "val", "test", "validation", "train"};
        for (int i = 1; i < lines.size(); i++) {
            sb.append(lines.get(i)).append(',').append(names[i % 5]).append('\n');
        }
        Path p = tmp.resolve("split.csv");
        Files.writeString(p, sb);
        TableSpec s = spec("csv", p.toString(), "diagnosis", true);
        Table t = TableSource.read(spark, with(s, List.of(), null, null, 0.2, 0.2, "part", "fail", 0, s.maxBytes()));
        assertEquals(30, t.featureSize(), "the split column is not a feature");
        for (int r = 0; r < t.rows(); r++) {
            Part want = switch (names[(r + 1) % 5]) {
                case "train" -> Part.TRAIN;
                case "test" -> Part.TEST;
                default -> Part.VALIDATION;
            };
            assertEquals(want, t.part(r));
        }
    }

    @Test
    void standardisationUsesTrainingRowsOnly() {
        Table t = TableSource.read(spark, spec("parquet", cancerParquet, "diagnosis", true));
        double[] mean = new double[t.featureSize()];
        double[] sq = new double[t.featureSize()];
        double[] v = new double[t.featureSize()];
        int[] train = t.rows(Part.TRAIN);
        for (int r : train) {
            t.copyFeatures(r, v, 0);
            for (int k = 0; k < v.length; k++) {
                mean[k] += v[k] / train.length;
                sq[k] += v[k] * v[k] / train.length;
            }
        }
        for (int k = 0; k < v.length; k++) {
            assertEquals(0, mean[k], 1e-5, "train mean of feature " + k);
            assertEquals(1, sq[k], 1e-4, "train variance of feature " + k);
        }
        // the statistics are not those of all rows: the validation and test rows did not count
        double allMean = 0;
        for (int r = 0; r < cancer.size(); r++) {
            allMean += cancer.x()[r * 30] / cancer.size();
        }
        assertNotEquals(allMean, t.mean()[0], 1e-6);
    }

    @Test
    void theCacheRoundTripsBitForBitAndIsLoadedOncePerJvm(@TempDir Path tmp) {
        Table t = TableSource.read(spark, spec("csv", cancerCsv, "diagnosis", true));
        String uri = tmp.resolve("t.hgt").toUri().toString();
        TableCache.write(t, uri);
        Table back = TableCache.read(uri);
        assertSameTable(t, back);
        assertSame(TableCache.get(uri), TableCache.get(uri));
        assertEquals(t.fingerprint(), TableCache.verify(uri));
    }

    static void assertSameTable(Table a, Table b) {
        assertEquals(a.rows(), b.rows());
        assertArrayEquals(a.featureShape(), b.featureShape());
        assertEquals(a.featureColumns(), b.featureColumns());
        assertEquals(a.classes(), b.classes());
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.targets(), b.targets());
        assertArrayEquals(a.groups(), b.groups());
        assertEquals(a.groupNames(), b.groupNames());
        assertArrayEquals(a.mean(), b.mean());
        assertArrayEquals(a.std(), b.std());
        assertEquals(a.provenance(), b.provenance());
        assertEquals(a.fingerprint(), b.fingerprint());
        double[] x = new double[a.featureSize()];
        double[] y = new double[a.featureSize()];
        for (int r = 0; r < a.rows(); r++) {
            a.copyFeatures(r, x, 0);
            b.copyFeatures(r, y, 0);
            for (int k = 0; k < x.length; k++) {
                assertEquals(Double.doubleToRawLongBits(x[k]), Double.doubleToRawLongBits(y[k]));
            }
            assertEquals(a.part(r), b.part(r));
        }
    }

    @Test
    void aDamagedCacheIsRefusedSayingHow(@TempDir Path tmp) throws IOException {
        Table t = TableSource.read(spark, spec("csv", cancerCsv, "diagnosis", true));
        Path file = tmp.resolve("t.hgt");
        TableCache.write(t, file.toString());
        byte[] good = Files.readAllBytes(file);

        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(good.length / 2);
            f.write(good[good.length / 2] ^ 0x10);
        }
        assertMessage(file, "corrupt table cache (checksum mismatch");

        Files.write(file, Arrays.copyOf(good, good.length - 100));
        assertMessage(file, "torn table cache");

        byte[] other = good.clone();
        other[11] = 9;
        Files.write(file, other);
        assertMessage(file, "format version 9, this build reads version 1");

        Files.writeString(file, "PAR1 not a table at all");
        assertMessage(file, "foreign file");

        assertMessage(tmp.resolve("none.hgt"), "no such table cache file");
    }

    static void assertMessage(Path file, String part) {
        DatasetException e = assertThrows(DatasetException.class, () -> TableCache.read(file.toString()));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void diabetesIsARegression() {
        Table t = TableSource.read(spark, spec("csv", diabetesCsv, "progression", false));
        assertFalse(t.classification());
        assertNull(t.labels());
        assertEquals(List.of(), t.classes());
        assertEquals(10, t.featureSize());
        assertSourceRows(diabetes, t);
        assertArrayEquals(diabetes.targets(), t.targets(), 1e-9);
    }

    /** Breast cancer with its 30 features in one column, as an ML Vector and as array<double>. */
    @Test
    void aVectorColumnAndAnArrayColumnGiveTheSameTableAsTheNumberColumns(@TempDir Path tmp) {
        Table numbers = TableSource.read(spark, spec("parquet", cancerParquet, "diagnosis", true));
        List<Row> vectors = new ArrayList<>();
        List<Row> arrays = new ArrayList<>();
        double[] v = new double[30];
        for (int r = 0; r < cancer.size(); r++) {
            cancer.copyExample(r, v, 0);
            String label = cancer.classNames().get(cancer.labels()[r]);
            vectors.add(RowFactory.create(label, Vectors.dense(v.clone())));
            Double[] boxed = Arrays.stream(v).boxed().toArray(Double[]::new);
            arrays.add(RowFactory.create(label, boxed));
        }
        StructType vs = new StructType().add("diagnosis", "string").add("features", new VectorUDT());
        StructType as = new StructType().add("diagnosis", "string").add("features", DataTypes.createArrayType(DataTypes.DoubleType));
        String vp = tmp.resolve("vectors.parquet").toString();
        String ap = tmp.resolve("arrays.parquet").toString();
        spark.createDataFrame(vectors, vs).coalesce(1).write().parquet(vp);
        spark.createDataFrame(arrays, as).coalesce(1).write().parquet(ap);
        for (String p : List.of(vp, ap)) {
            Table t = TableSource.read(spark, spec("parquet", p, "diagnosis", true));
            assertEquals("features[0]", t.featureNames().get(0));
            assertEquals(30, t.featureSize());
            assertArrayEquals(numbers.labels(), t.labels());
            assertArrayEquals(numbers.rows(Part.TRAIN), t.rows(Part.TRAIN));
            // the CSV held floats; the vectors hold the same float values widened, so the tables agree closely
            for (int r = 0; r < t.rows(); r++) {
                assertArrayEquals(raw(numbers, r), raw(t, r), 1e-4);
            }
        }
    }

    @Test
    void jsonOrcAndLibsvmGiveTheSameRows(@TempDir Path tmp) throws IOException {
        org.apache.spark.sql.Dataset<Row> df = spark.read().parquet(cancerParquet);
        String json = tmp.resolve("cancer.json").toString();
        String orc = tmp.resolve("cancer.orc").toString();
        df.write().json(json);
        df.write().orc(orc);
        // Spark infers a JSON schema with the fields sorted by name (f0, f1, f10…): name the order
        String[] ordered = new String[30];
        Arrays.setAll(ordered, k -> "f" + k);
        for (String[] src : new String[][] {{"json", json}, {"orc", orc}}) {
            Table t = TableSource.read(spark, features(spec(src[0], src[1], "diagnosis", true), ordered));
            assertEquals(List.of("benign", "malignant"), t.classes(), src[0]);
            assertSourceRows(cancer, t);
        }
        // libsvm: "label index:value…" with 1-based indices; the label is sklearn's 0 (malignant) / 1 (benign)
        StringBuilder sb = new StringBuilder();
        double[] v = new double[30];
        for (int r = 0; r < cancer.size(); r++) {
            cancer.copyExample(r, v, 0);
            sb.append(cancer.labels()[r]);
            for (int k = 0; k < 30; k++) {
                sb.append(' ').append(k + 1).append(':').append((float) v[k]);
            }
            sb.append('\n');
        }
        Path svm = tmp.resolve("cancer.svm");
        Files.writeString(svm, sb);
        Table t = TableSource.read(spark, spec("libsvm", svm.toString(), "label", true));
        assertEquals(List.of("0.0", "1.0"), t.classes(), "numeric classes, sorted as numbers");
        assertEquals("features[29]", t.featureNames().get(29), "the one vector column, chosen when no number column is left");
        assertArrayEquals(cancer.labels(), t.labels());
        assertSourceRows(cancer, t);
    }

    @Test
    void aCatalogTableIsReadByName() {
        spark.read().parquet(cancerParquet).createOrReplaceTempView("cancer_files");
        org.apache.spark.sql.Dataset<Row> files = spark.table("cancer_files");
        // not backed by files: rows keep the order of the (local) partitions
        spark.createDataFrame(files.collectAsList(), files.schema()).createOrReplaceTempView("cancer_memory");
        for (String name : List.of("cancer_files", "cancer_memory")) {
            TableSpec s = new TableSpec("table", null, name, Map.of(), "diagnosis", List.of(), null, null, 0.2, 0.2, null, true, "fail", true, 0, 1L << 30);
            Table t = TableSource.read(spark, s);
            assertSourceRows(cancer, t);
            assertEquals("(a catalog table: identified by name only)", t.provenance().get("files"));
        }
        TableSpec missing = new TableSpec("table", null, "no_such_table", Map.of(), "diagnosis", List.of(), null, null, 0.2, 0.2, null, true, "fail", true, 0, 1L << 30);
        assertContains(refused(missing), "table no_such_table: cannot read the table data: ", "no_such_table");
    }

    @Test
    void rowFeaturesReadNewInputAsTheTableWasRead() {
        Table t = TableSource.read(spark, spec("parquet", cancerParquet, "diagnosis", true));
        org.apache.spark.sql.Dataset<Row> input = spark.read().parquet(cancerParquet);
        RowFeatures rf = RowFeatures.of(t).bind(input.schema());
        List<Row> rows = input.collectAsList();
        double[] want = new double[30];
        for (int r = 0; r < rows.size(); r++) {
            t.copyFeatures(r, want, 0);
            assertArrayEquals(want, rf.features(rows.get(r)), 1e-5);
        }
        DatasetException e = assertThrows(DatasetException.class, () -> rf.bind(input.drop("f3").schema()));
        assertTrue(e.getMessage().contains("no feature column 'f3'") && e.getMessage().contains("f0, f1, f2, f4"), e.getMessage());
    }

    /**
     * Group mode on diabetes, grouped by age decade (19–79 years: 7 groups): predicting progression for
     * a new age band from a few of its patients is a natural task; nothing in the data is invented.
     */
    @Test
    void groupModeKeepsEachGroupWholeAndInOrder(@TempDir Path tmp) {
        String p = tmp.resolve("by-age.parquet").toString();
        spark.read().option("header", "true").option("inferSchema", "true").csv(diabetesCsv)
                .withColumn("decade", org.apache.spark.sql.functions.expr("concat(cast(floor(f0 / 10) * 10 as int), 's')"))
                .write().parquet(p);
        TableSpec s = spec("parquet", p, "progression", false);
        Table t = TableSource.read(spark, with(s, List.of(), "decade", null, 0.2, 0.2, null, "fail", 3, s.maxBytes()));
        assertEquals(List.of("10s", "20s", "30s", "40s", "50s", "60s", "70s"), t.groupNames());
        assertEquals(10, t.featureSize(), "the group column is not a feature");
        int[] g = t.groups();
        Part[] partOf = new Part[t.groupNames().size()];
        Set<Part> used = new HashSet<>();
        for (int r = 0; r < t.rows(); r++) {
            assertTrue(partOf[g[r]] == null || partOf[g[r]] == t.part(r), "group " + t.groupNames().get(g[r]) + " split across parts");
            partOf[g[r]] = t.part(r);
            used.add(t.part(r));
        }
        assertEquals(Set.of(Part.values()), used, "7 groups at 0.2 / 0.2: one or two groups each for validation and test");
        assertSourceRows(diabetes, t);
    }

    @Test
    void prepareWritesTheCacheOnceAndReusesItWithoutReadingTheDataAgain(@TempDir Path tmp) throws IOException {
        Path csv = tmp.resolve("cancer.csv");
        Files.copy(Path.of(cancerCsv), csv);
        TableSpec s = spec("csv", csv.toString(), "diagnosis", true);
        String cacheDir = tmp.resolve("cache").toString();
        String uri = TableSource.prepare(spark, s, cacheDir);
        assertTrue(uri.startsWith("file:") && uri.matches(".*/table-[0-9a-f]{16}\\.hgt"), uri);
        Table first = TableCache.read(uri);

        // same size and time, other contents: prepare must not look at the data, so the cache stays as it was
        long time = csv.toFile().lastModified();
        String text = Files.readString(csv);
        Files.writeString(csv, text.replace("malignant", "malignanT"));
        assertTrue(csv.toFile().setLastModified(time));
        assertEquals(uri, TableSource.prepare(spark, s, cacheDir));
        assertSameTable(first, TableCache.read(uri));

        // a real change shows in the provenance, named
        Files.writeString(csv, text + text.substring(text.indexOf('\n') + 1, text.indexOf('\n', text.indexOf('\n') + 1) + 1));
        Map<String, String> now = TableSource.sourceProvenance(spark.sparkContext().hadoopConfiguration(), s);
        String changes = Table.changes(first.provenance(), now);
        assertTrue(changes.startsWith("file cancer.csv: size " + text.length() + " → "), changes);
        String second = TableSource.prepare(spark, s, cacheDir);
        assertNotEquals(uri, second);
        assertEquals(570, TableCache.read(second).rows());
        assertEquals("", Table.changes(now, TableCache.read(second).provenance()));
    }

    // ---- bad input: one clear line each

    static String refused(TableSpec s) {
        DatasetException e = assertThrows(DatasetException.class, () -> TableSource.read(spark, s));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertFalse(e.getMessage().contains("at org.apache"), e.getMessage());
        return e.getMessage();
    }

    static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' in: " + message);
        }
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsThatExist() {
        assertContains(refused(spec("csv", cancerCsv, "label", true)), "no column 'label' (hypergrad.data.label)", "the columns are: f0, f1,", "diagnosis");
        assertContains(refused(features(spec("parquet", cancerParquet, "diagnosis", true), "f0", "radius")),
                "no column 'radius' (hypergrad.data.features)", "f29, diagnosis");
    }

    @Test
    void aTextFeatureIsRefusedWithAPointerToEncoders() {
        assertContains(refused(features(spec("csv", cancerCsv, "f0", false), "f1", "diagnosis")),
                "feature column 'diagnosis' is string, not numeric", "StringIndexer/OneHotEncoder", "hypergrad.data.features");
        assertContains(refused(spec("csv", cancerCsv, "diagnosis", false)), "the label 'diagnosis' is string; a regression label must be numeric");
    }

    @Test
    void nullsAreCountedAndNamedOrDroppedWhenAsked(@TempDir Path tmp) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of(cancerCsv)));
        for (int i : new int[] {5, 50, 500}) {
            String[] cells = lines.get(i).split(",", -1);
            cells[3] = i == 50 ? "NaN" : "";
            lines.set(i, String.join(",", cells));
        }
        String[] cells = lines.get(7).split(",", -1);
        cells[30] = "";
        lines.set(7, String.join(",", cells));
        Path p = tmp.resolve("holes.csv");
        Files.write(p, lines);
        TableSpec s = spec("csv", p.toString(), "diagnosis", true);
        assertContains(refused(s), "3 in 'f3'", "1 in 'diagnosis'", "hypergrad.data.nulls = drop");
        Table t = TableSource.read(spark, with(s, List.of(), null, null, 0.2, 0.2, null, "drop", 0, s.maxBytes()));
        assertEquals(569 - 4, t.rows());
    }

    @Test
    void oneClassAnEmptyTableAndAMissingPathAreRefused(@TempDir Path tmp) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(cancerCsv));
        Path benign = tmp.resolve("benign.csv");
        Files.write(benign, lines.stream().filter(l -> !l.endsWith("malignant")).toList());
        assertContains(refused(spec("csv", benign.toString(), "diagnosis", true)), "the label 'diagnosis' has one class (benign) in 357 rows");

        String empty = tmp.resolve("empty.parquet").toString();
        spark.read().parquet(cancerParquet).limit(0).write().parquet(empty);
        assertContains(refused(spec("parquet", empty, "diagnosis", true)), "the table has no rows");

        assertContains(refused(spec("parquet", tmp.resolve("nowhere").toString(), "diagnosis", true)), "the path does not exist (hypergrad.data.path)");
    }

    @Test
    void aCorruptFileIsRefusedWithoutSparksStackTrace(@TempDir Path tmp) throws IOException {
        Path folder = tmp.resolve("broken.parquet");
        Files.createDirectories(folder);
        byte[] bytes = Files.readAllBytes(Files.list(Path.of(cancerParquet)).filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow());
        Files.write(folder.resolve("part-0.parquet"), Arrays.copyOf(bytes, bytes.length / 2));
        assertContains(refused(spec("parquet", folder.toString(), "diagnosis", true)), "broken.parquet: cannot read the parquet data: ");
    }

    @Test
    void aShapeThatDoesNotHoldTheFeaturesIsAConfigMistake() {
        TableSpec s = spec("parquet", cancerParquet, "diagnosis", true);
        ConfigException e = assertThrows(ConfigException.class,
                () -> TableSource.read(spark, with(s, List.of(), null, new int[] {1, 5, 5}, 0.2, 0.2, null, "fail", 0, s.maxBytes())));
        assertContains(e.getMessage(), "hypergrad.data.shape = [1, 5, 5] holds 25 values, but the features give 30 per row");
        Table t = TableSource.read(spark, with(s, List.of(), null, new int[] {1, 5, 6}, 0.2, 0.2, null, "fail", 0, s.maxBytes()));
        assertArrayEquals(new int[] {1, 5, 6}, t.featureShape());
    }

    @Test
    void groupModeNeedsThreeGroups(@TempDir Path tmp) {
        TableSpec s = spec("csv", diabetesCsv, "progression", false);
        // f1 is sex: two groups
        assertContains(refused(with(s, List.of(), "f1", null, 0.2, 0.2, null, "fail", 0, s.maxBytes())),
                "the group column 'f1' has 2 group(s) [1.0, 2.0]; group mode needs at least 3");
    }

    @Test
    void aTableOverTheBudgetIsRefusedBeforeItIsCollected() {
        TableSpec s = spec("parquet", cancerParquet, "diagnosis", true);
        assertContains(refused(with(s, List.of(), null, null, 0.2, 0.2, null, "fail", 0, 10_000)),
                "the table needs 0.1 MiB in each executor (569 rows × 30 features) but hypergrad.data.maxMegabytes = 0.0 MiB");
    }

    @Test
    void specMistakesNameTheKey() {
        assertContains(assertThrows(ConfigException.class, () -> spec("xlsx", "a", "y", true)).getMessage(), "hypergrad.data.format = 'xlsx'");
        assertContains(assertThrows(ConfigException.class, () -> new TableSpec("csv", "a", null, Map.of(), "y", List.of(), null, null,
                0.6, 0.5, null, true, "fail", true, 0, 1)).getMessage(), "their sum below 1");
        assertContains(assertThrows(ConfigException.class, () -> new TableSpec("csv", "a", null, Map.of(), "y", List.of(), null, null,
                0.2, 0.2, null, true, "skip", true, 0, 1)).getMessage(), "hypergrad.data.nulls = 'skip'");
    }
}
