package io.hypergrad.driver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.driver.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code init} on a real table: it says what task it chose and why, and the config it writes runs as written. */
class InitCommandTest {
    @Test
    void theStarterConfigRunsAsWritten(@TempDir Path tmp) throws Exception {
        Path csv = RealTables.breastCancer(tmp);
        Path conf = tmp.resolve("bc.conf");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream saved = System.err;
        int code;
        try {
            System.setErr(errStream);
            code = Main.execute(new PrintStream(new ByteArrayOutputStream()), errStream,
                    "init", "--data", csv.toString(), "--label", "diagnosis", "--out", conf.toString());
        } finally {
            System.setErr(saved);
        }
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, said);
        assertTrue(said.contains("classification, because label 'diagnosis' is a string column (2 values)"), said);
        String text = Files.readString(conf);
        assertTrue(text.contains("loss = binary_cross_entropy") && text.contains("\"f29\""), text);

        Path run = tmp.resolve("run");
        ByteArrayOutputStream runErr = new ByteArrayOutputStream();
        code = Main.execute(new PrintStream(new ByteArrayOutputStream()), new PrintStream(runErr, true, StandardCharsets.UTF_8),
                "run", conf.toString(), "--out", run.toString(), "--master", "local[2]");
        assertEquals(0, code, runErr.toString(StandardCharsets.UTF_8));
        JsonNode summary = new ObjectMapper().readTree(Files.readString(run.resolve("summary.json")));
        assertTrue(summary.at("/test/tuned/accuracy").asDouble() > 0.9, "a working starter network: " + summary.at("/test"));

        // The tuned classifier scores the table: the label's own values as predictions, a probability per class.
        Path scored = tmp.resolve("scored");
        code = Main.execute(new PrintStream(new ByteArrayOutputStream()), new PrintStream(runErr, true, StandardCharsets.UTF_8),
                "predict", run.toString(), "--input", csv.toString(), "--output", scored.toString());
        assertEquals(0, code, runErr.toString(StandardCharsets.UTF_8));
        try (org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().master("local[1]")
                .config("spark.ui.enabled", "false").getOrCreate()) {
            var p = spark.read().parquet(scored.toString());
            assertEquals(569, p.count());
            assertEquals(0, p.where("prediction NOT IN ('benign', 'malignant') OR size(probability) != 2 "
                    + "OR abs(probability[0] + probability[1] - 1) > 1e-12").count(), "a class and two probabilities summing to 1 per row");
            double agree = p.where("prediction = diagnosis").count() / 569.0;
            assertTrue(agree > 0.9, "predictions agree with the labels on " + agree + " of the rows");
        }

        // An existing --out is not overwritten; a label that is not a column names the columns there are.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertEquals(2, Main.execute(new PrintStream(new ByteArrayOutputStream()), new PrintStream(again, true, StandardCharsets.UTF_8),
                "init", "--data", csv.toString(), "--label", "diagnosis", "--out", conf.toString()));
        assertTrue(again.toString(StandardCharsets.UTF_8).contains("--force"), again.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream missing = new ByteArrayOutputStream();
        assertEquals(3, Main.execute(new PrintStream(new ByteArrayOutputStream()), new PrintStream(missing, true, StandardCharsets.UTF_8),
                "init", "--data", csv.toString(), "--label", "outcome"));
        assertTrue(missing.toString(StandardCharsets.UTF_8).contains("no column 'outcome'")
                && missing.toString(StandardCharsets.UTF_8).contains("diagnosis"), missing.toString(StandardCharsets.UTF_8));
    }
}
