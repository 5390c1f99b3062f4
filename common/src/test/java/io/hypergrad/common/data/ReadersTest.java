package io.hypergrad.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers on small generated files: what they read, and how they name every malformed input. */
class ReadersTest {

    /** An IDX file whose payload bytes are {@code value(i)}. */
    static byte[] idx(int magic, int[] dims, int payload) throws IOException {
        return idx(magic, dims, payload, i -> i % 3 == 0 ? 255 : i % 10);
    }

    static byte[] labelsIdx(int n) throws IOException {
        return idx(0x801, new int[] {n}, n, i -> i);
    }

    static byte[] idx(int magic, int[] dims, int payload, java.util.function.IntUnaryOperator value) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        for (int i = 0; i < payload; i++) {
            out.writeByte(value.applyAsInt(i));
        }
        return b.toByteArray();
    }

    static Path write(Path dir, String name, byte[] bytes, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(bytes);
        }
        return p;
    }

    @Test
    void idxPlainAndGzippedReadTheSame(@TempDir Path dir) throws IOException {
        byte[] images = idx(0x803, new int[] {3, 2, 2}, 12);
        byte[] labels = labelsIdx(3);
        Dataset plain = IdxReader.read(write(dir, "i", images, false).toString(), write(dir, "l", labels, false).toString(), 10);
        Dataset gz = IdxReader.read(write(dir, "i.gz", images, true).toString(), write(dir, "l.gz", labels, true).toString(), 10);
        assertEquals(3, plain.size());
        assertArrayEquals(new int[] {1, 2, 2}, plain.featureShape());
        assertArrayEquals(plain.x(), gz.x());
        assertArrayEquals(new int[] {0, 1, 2}, plain.labels());
        assertArrayEquals(plain.labels(), gz.labels());
        assertEquals(1f, plain.x()[0]);
        assertEquals(1 / 255f, plain.x()[1]);
    }

    @Test
    void idxErrorsNameTheFileAndTheByte(@TempDir Path dir) throws IOException {
        String labels = write(dir, "labels", labelsIdx(3), false).toString();
        String wrongMagic = write(dir, "wrong magic", idx(0x802, new int[] {3, 2, 2}, 12), false).toString();
        DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.read(wrongMagic, labels, 10));
        assertTrue(e.getMessage().contains("wrong magic") && e.getMessage().contains("wrong magic number") && e.getMessage().contains("byte 0"), e.getMessage());
        String truncated = write(dir, "short", idx(0x803, new int[] {3, 2, 2}, 7), true).toString();
        e = assertThrows(DatasetException.class, () -> IdxReader.read(truncated, labels, 10));
        assertTrue(e.getMessage().contains("short") && e.getMessage().contains("truncated at byte 23"), e.getMessage());
        String images = write(dir, "images", idx(0x803, new int[] {3, 2, 2}, 12), false).toString();
        e = assertThrows(DatasetException.class, () -> IdxReader.read(images, labels, 2));
        assertTrue(e.getMessage().contains("label 2 at byte 10"), e.getMessage());
        e = assertThrows(DatasetException.class, () -> IdxReader.read(dir.resolve("absent").toString(), labels, 10));
        assertTrue(e.getMessage().contains("fetch-data"), e.getMessage());
    }

    static String row(double v, int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(i == 5 ? v : 0);
        }
        return sb.append("]").toString();
    }

    @Test
    void quickDrawReadsClassFilesWithSpacesInSortedOrder(@TempDir Path dir) throws IOException {
        write(dir, "the Eiffel Tower.ndjson.gz", (row(0.5, 784) + "\n" + row(1, 784) + "\n").getBytes(StandardCharsets.UTF_8), true);
        write(dir, "cat.ndjson.gz", (row(0.25, 784) + "\n").getBytes(StandardCharsets.UTF_8), true);
        Dataset d = QuickDrawReader.read(dir.toString());
        assertEquals(java.util.List.of("cat", "the Eiffel Tower"), d.classNames());
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {0, 1, 1}, d.labels());
        assertEquals(0.25f, d.x()[5]);
        assertEquals(0.5f, d.x()[784 + 5]);
    }

    @Test
    void quickDrawErrorsNameTheFileAndLine(@TempDir Path dir) throws IOException {
        Path ragged = Files.createDirectory(dir.resolve("a"));
        write(ragged, "dog.ndjson.gz", (row(0, 784) + "\n" + row(0, 783) + "\n").getBytes(StandardCharsets.UTF_8), true);
        DatasetException e = assertThrows(DatasetException.class, () -> QuickDrawReader.read(ragged.toString()));
        assertTrue(e.getMessage().contains("dog.ndjson.gz") && e.getMessage().contains("line 2 has 783 values"), e.getMessage());
        Path nan = Files.createDirectory(dir.resolve("b"));
        write(nan, "dog.ndjson.gz", row(0, 784).replace("[0.0,", "[x,").getBytes(StandardCharsets.UTF_8), true);
        e = assertThrows(DatasetException.class, () -> QuickDrawReader.read(nan.toString()));
        assertTrue(e.getMessage().contains("line 1, value 1: 'x' is not a number"), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("c"));
        e = assertThrows(DatasetException.class, () -> QuickDrawReader.read(empty.toString()));
        assertTrue(e.getMessage().contains("no .ndjson.gz files"), e.getMessage());
    }

    @Test
    void sklearnCsvsAndTheirErrors(@TempDir Path dir) throws IOException {
        Path ok = write(dir, "iris.csv", "2,2,a,b\n1.5,2,0\n3,4,1\n".getBytes(StandardCharsets.UTF_8), false);
        Dataset d = SklearnReader.readWithHeader(ok.toString());
        assertEquals(2, d.size());
        assertEquals(java.util.List.of("a", "b"), d.classNames());
        assertArrayEquals(new float[] {1.5f, 2f, 3f, 4f}, d.x());
        Path ragged = write(dir, "r.csv", "2,2,a,b\n1.5,2,0\n3,1\n".getBytes(StandardCharsets.UTF_8), false);
        DatasetException e = assertThrows(DatasetException.class, () -> SklearnReader.readWithHeader(ragged.toString()));
        assertTrue(e.getMessage().contains("line 3 has 2 values"), e.getMessage());
        Path badLabel = write(dir, "b.csv", "1,2,a,b\n1.5,2,2\n".getBytes(StandardCharsets.UTF_8), false);
        e = assertThrows(DatasetException.class, () -> SklearnReader.readWithHeader(badLabel.toString()));
        assertTrue(e.getMessage().contains("line 2: label 2"), e.getMessage());
        Path count = write(dir, "c.csv", "3,2,a,b\n1.5,2,1\n".getBytes(StandardCharsets.UTF_8), false);
        e = assertThrows(DatasetException.class, () -> SklearnReader.readWithHeader(count.toString()));
        assertTrue(e.getMessage().contains("promises 3 rows"), e.getMessage());
    }
}
