package io.hypergrad.driver.table;

import io.hypergrad.common.data.Dataset;
import io.hypergrad.common.data.Datasets;
import io.hypergrad.common.data.SklearnReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * Real tables written as a user would have them, from the datasets {@code fetch-data} brings: sklearn's
 * breast-cancer data as a CSV with a header and a string label, and its diabetes data as a CSV with a
 * numeric target. Tests that need them are skipped, saying so, when the data is absent.
 */
public final class RealTables {
    private RealTables() {}

    static String dataDir() {
        String dir = Datasets.dataDir("");
        Assumptions.assumeTrue(Datasets.present(dir, "sklearn"),
                "SKIPPED: the sklearn datasets are not in " + dir + " (fetch them with: deploy/bin/hypergrad fetch-data)");
        return dir;
    }

    /** breast_cancer.csv: 569 rows, 30 features f0…f29, label {@code diagnosis} = malignant | benign. */
    public static Path breastCancer(Path folder) throws IOException {
        Dataset d = SklearnReader.readWithHeader(dataDir() + "/sklearn/breast_cancer.csv");
        return write(folder.resolve("breast_cancer.csv"), d, "diagnosis", true);
    }

    /** diabetes.csv: 442 rows, 10 features f0…f9, numeric label {@code progression}. */
    public static Path diabetes(Path folder) throws IOException {
        String dir = dataDir();
        Dataset d = SklearnReader.readDiabetes(dir + "/sklearn/diabetes_data_raw.csv.gz", dir + "/sklearn/diabetes_target.csv.gz");
        return write(folder.resolve("diabetes.csv"), d, "progression", false);
    }

    /**
     * The World Bank's fertility rates (statsmodels' copy) reshaped from a column per year to one row per
     * country and year — {@code country}, {@code year}, {@code fertility} — leaving out the years a country
     * has no value for. Skipped, saying so, when the statsmodels data is absent.
     */
    public static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> fertility(org.apache.spark.sql.SparkSession spark) {
        String dir = Datasets.dataDir("");
        Assumptions.assumeTrue(Datasets.present(dir, "statsmodels"),
                "SKIPPED: the statsmodels datasets are not in " + dir + " (fetch them with: deploy/bin/hypergrad fetch-data)");
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> wide = spark.read().option("header", "true").option("inferSchema", "true")
                .csv(dir + "/statsmodels/fertility.csv");
        java.util.List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        String[] columns = wide.columns();
        for (org.apache.spark.sql.Row r : wide.collectAsList()) {
            for (int c = 0; c < columns.length; c++) {
                if (columns[c].matches("\\d{4}") && !r.isNullAt(c)) {
                    rows.add(org.apache.spark.sql.RowFactory.create(r.getString(0), Double.parseDouble(columns[c]),
                            ((Number) r.get(c)).doubleValue()));
                }
            }
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("country", org.apache.spark.sql.types.DataTypes.StringType).add("year", org.apache.spark.sql.types.DataTypes.DoubleType)
                .add("fertility", org.apache.spark.sql.types.DataTypes.DoubleType);
        return spark.createDataFrame(rows, schema);
    }

    private static Path write(Path file, Dataset d, String label, boolean classes) throws IOException {
        StringBuilder sb = new StringBuilder();
        int f = d.featureSize();
        for (int j = 0; j < f; j++) {
            sb.append('f').append(j).append(',');
        }
        sb.append(label).append('\n');
        double[] row = new double[f];
        for (int i = 0; i < d.size(); i++) {
            d.copyExample(i, row, 0);
            for (int j = 0; j < f; j++) {
                sb.append(String.format(Locale.ROOT, "%s,", (float) row[j]));
            }
            sb.append(classes ? d.classNames().get(d.labels()[i]) : String.format(Locale.ROOT, "%s", d.targets()[i])).append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        return file;
    }
}
