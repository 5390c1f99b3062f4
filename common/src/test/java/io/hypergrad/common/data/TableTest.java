package io.hypergrad.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table's rules that need no Spark: class order, provenance changes, standardisation corners. */
class TableTest {
    static final List<FeatureColumn> TWO = List.of(new FeatureColumn("a", FeatureColumn.Kind.NUMBER, 1), new FeatureColumn("b", FeatureColumn.Kind.NUMBER, 1));

    @Test
    void numericClassesSortAsNumbersOthersAsText() {
        assertEquals(List.of("2", "9", "10"), Table.sortedClasses(new String[] {"10", "9", "2", "9"}));
        assertEquals(List.of("-1.0", "1.0"), Table.sortedClasses(new String[] {"1.0", "-1.0"}));
        assertEquals(List.of("10", "9", "x"), Table.sortedClasses(new String[] {"x", "9", "10"}));
    }

    @Test
    void changesNameOnlyWhatDiffers() {
        Map<String, String> a = Map.of("file part-0001.parquet", "size 1234, modified 2026-11-30T10:00:00Z", "label", "y (classes)",
                "file part-0002.parquet", "size 1, modified 2026-11-30T10:00:00Z");
        Map<String, String> b = Map.of("file part-0001.parquet", "size 1300, modified 2026-11-30T10:00:00Z", "label", "y (classes)",
                "file part-0003.parquet", "size 2, modified 2026-11-30T11:00:00Z");
        assertEquals("file part-0001.parquet: size 1234 → 1300; file part-0002.parquet: removed (was size 1, modified 2026-11-30T10:00:00Z); "
                + "file part-0003.parquet: added (size 2, modified 2026-11-30T11:00:00Z)", Table.changes(a, b));
        assertEquals("", Table.changes(a, a));
        assertEquals(Table.fingerprint(a), Table.fingerprint(new java.util.TreeMap<>(a)), "the key order does not count");
    }

    @Test
    void aConstantColumnHasStdOneAndTheStatisticsComeFromTrainingRows() {
        TableSpec spec = new TableSpec("csv", "x.csv", null, Map.of(), "y", List.of(), null, null, 0.3, 0.3, "part", true, "fail", false, 0, 1 << 20);
        float[] x = {5, 1, 5, 3, 5, 100};
        Table t = Table.build(spec, Map.of(), TWO, x, null, new double[] {1, 2, 3}, null, new String[] {"train", "train", "test"});
        assertArrayEquals(new double[] {5, 2}, t.mean());
        assertArrayEquals(new double[] {1, 1}, t.std());
        double[] row = new double[2];
        t.copyFeatures(2, row, 0);
        assertArrayEquals(new double[] {0, 98}, row);
        DatasetException e = assertThrows(DatasetException.class,
                () -> Table.build(spec, Map.of(), TWO, new float[] {1, 2}, null, new double[] {1}, null, new String[] {"dev"}));
        assertTrue(e.getMessage().contains("says 'dev'; expected train, validation (or val) or test"), e.getMessage());
    }
}
