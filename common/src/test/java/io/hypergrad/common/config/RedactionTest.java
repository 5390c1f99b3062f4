package io.hypergrad.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Secrets never reach a run's record or an error line. */
class RedactionTest {
    @Test
    void uriCredentialsAreReplaced() {
        assertEquals("s3a://***@bucket/data", Redaction.text("s3a://AKIAEXAMPLE:wJalrXUtnFEMI/K7MDENG@bucket/data"));
        assertEquals("dataset missing at hdfs://***@nn:8020/x (and s3a://***@b/y)",
                Redaction.text("dataset missing at hdfs://alice@nn:8020/x (and s3a://k:s@b/y)"));
    }

    @Test
    void secretQueryParametersAreReplaced() {
        assertEquals("https://store/x?X-Amz-Signature=***&part=2&sas_token=***",
                Redaction.text("https://store/x?X-Amz-Signature=abc123&part=2&sas_token=sv2020"));
    }

    @Test
    void plainPathsAreUntouched() {
        for (String s : new String[] {"/home/me/data", "hdfs:///hypergrad-data", "file:/tmp/run@2", "s3a://bucket/data"}) {
            assertEquals(s, Redaction.text(s));
        }
        assertEquals("s3a://***@b", Redaction.text("s3a://bucket/a@b"), "an '@' after '://' is taken for credentials");
    }

    @Test
    void theRunsRecordHoldsNoCredentials() {
        RunConfig c = RunConfig.defaults().with("hypergrad.data.dir", "\"s3a://AKIAEXAMPLE:TOPSECRET@bucket/data\"");
        String record = c.resolvedHocon();
        assertFalse(record.contains("TOPSECRET") || record.contains("AKIAEXAMPLE"), record);
        assertTrue(record.contains("hypergrad.data.dir = \"s3a://***@bucket/data\""), record);
        assertEquals("s3a://AKIAEXAMPLE:TOPSECRET@bucket/data", c.get(RunConfig.DATA_DIR), "the run itself still sees the value");
    }
}
