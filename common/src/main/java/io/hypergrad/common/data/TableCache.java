package io.hypergrad.common.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The prepared table as one file on any Hadoop file system, so that executors load it without Spark.
 *
 * <p>Layout (big-endian): the magic {@code HGTABLE\0}; the format version (int); the fingerprint (64
 * ASCII hex digits); the payload's length (long); the payload — a metadata block (shape, columns,
 * classes, groups, statistics, provenance), then the features as floats, the parts, the labels or
 * targets, the groups; then a CRC32C of everything after the version. A reader checks all of it
 * before handing out a table, so a torn, foreign or corrupted file is an error, never a wrong table.
 */
public final class TableCache {
    /** The format version this build writes and reads. */
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "HGTABLE\0".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + 4 + 64 + 8;
    private static final int BLOCK = 1 << 20;
    private static final Configuration CONF = new Configuration();
    private static final Map<String, Table> LOADED = new ConcurrentHashMap<>();

    /**
     * The file system of a path, without Hadoop's .crc side files on local disks: the cache carries its
     * own checksum, and a damaged file should be reported as such, not as a Hadoop checksum error.
     */
    private static FileSystem fs(Path p) throws IOException {
        FileSystem fs = p.getFileSystem(CONF);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    private TableCache() {}

    /** Writes the table to {@code uri} atomically: a temporary file beside it, then a rename over it. */
    public static void write(Table t, String uri) {
        Path target = new Path(uri);
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            FileSystem fs = fs(target);
            fs.mkdirs(target.getParent());
            byte[] meta = meta(t);
            long payload = 4L + meta.length + bulkBytes(t.rows(), t.featureSize(), t.rawTargets() != null, t.rawGroups() != null);
            try (OutputStream raw = fs.create(tmp, true)) {
                CRC32C crc = new CRC32C();
                raw.write(MAGIC);
                ByteBuffer head = ByteBuffer.allocate(4 + 64 + 8);
                head.putInt(VERSION).put(t.fingerprint().getBytes(StandardCharsets.US_ASCII)).putLong(payload);
                raw.write(head.array());
                crc.update(head.array(), 4, 72);
                Sink out = new Sink(raw, crc);
                out.ints(new int[] {meta.length});
                out.bytes(meta);
                out.floats(t.rawFeatures());
                out.bytes(t.rawParts());
                if (t.rawLabels() != null) {
                    out.ints(t.rawLabels());
                } else {
                    out.doubles(t.rawTargets());
                }
                if (t.rawGroups() != null) {
                    out.ints(t.rawGroups());
                }
                out.flush();
                raw.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            }
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("cannot replace " + target);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } catch (IOException e) {
            throw new DatasetException(uri + ": cannot write the table cache: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and checks a cache file.
     *
     * @throws DatasetException naming the file and what is wrong: missing, foreign (not a table cache),
     *                          another format version, torn (shorter or longer than its header says), or
     *                          corrupt (checksum mismatch)
     */
    public static Table read(String uri) {
        return scan(uri, true).table();
    }

    /**
     * Checks a cache file whole (magic, version, length, checksum) without building the table, and
     * returns the fingerprint it holds.
     *
     * @throws DatasetException as {@link #read}
     */
    public static String verify(String uri) {
        return scan(uri, false).fingerprint();
    }

    /** The table at {@code uri}, read once per JVM (executors call this for every task). */
    public static Table get(String uri) {
        return LOADED.computeIfAbsent(uri, TableCache::read);
    }

    /** What a scan found: the header's fingerprint, and the table when it was built. */
    private record Scanned(String fingerprint, Table table) {}

    private static Scanned scan(String uri, boolean build) {
        Path p = new Path(uri);
        long length;
        try {
            FileSystem fs = fs(p);
            if (!fs.exists(p)) {
                throw new DatasetException(uri + ": no such table cache file");
            }
            length = fs.getFileStatus(p).getLen();
            try (InputStream in = new BufferedInputStream(fs.open(p), BLOCK)) {
                return parse(uri, in, length, build);
            }
        } catch (ChecksumException e) {
            throw new DatasetException(uri + ": corrupt table cache (checksum mismatch: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DatasetException(uri + ": cannot read the table cache: " + e.getMessage(), e);
        }
    }

    private static Scanned parse(String uri, InputStream in, long length, boolean build) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        if (in.readNBytes(magic, 0, magic.length) < magic.length || !Arrays.equals(magic, MAGIC)) {
            throw new DatasetException(uri + ": not a hypergrad table cache (foreign file: no HGTABLE header)");
        }
        byte[] head = in.readNBytes(76);
        if (head.length < 76) {
            throw new DatasetException(uri + ": torn table cache: " + length + " bytes, shorter than its header");
        }
        ByteBuffer hb = ByteBuffer.wrap(head);
        int version = hb.getInt();
        if (version != VERSION) {
            throw new DatasetException(uri + ": table cache format version " + version + ", this build reads version " + VERSION
                    + " (delete the file to have it prepared again)");
        }
        String fingerprint = new String(head, 4, 64, StandardCharsets.US_ASCII);
        long payload = hb.getLong(68);
        if (payload < 4 || HEADER + payload + 4 != length) {
            throw new DatasetException(uri + ": torn table cache: " + length + " bytes, its header promises " + (HEADER + payload + 4));
        }
        CRC32C crc = new CRC32C();
        crc.update(head, 4, 72);
        Source src = new Source(in, crc, uri);
        if (!build) {
            src.skip(payload);
            src.checkCrc();
            return new Scanned(fingerprint, null);
        }
        int metaLen = src.ints(1)[0];
        if (metaLen < 0 || metaLen > payload - 4) {
            throw corrupt(uri, "metadata length " + metaLen);
        }
        DataInputStream meta = new DataInputStream(new ByteArrayInputStream(src.bytes(metaLen)));
        Table t;
        try {
            int rows = meta.readInt();
            int[] shape = new int[meta.readInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = meta.readInt();
            }
            List<FeatureColumn> columns = new ArrayList<>();
            for (int i = meta.readInt(); i > 0; i--) {
                columns.add(new FeatureColumn(meta.readUTF(), FeatureColumn.Kind.valueOf(meta.readUTF()), meta.readInt()));
            }
            boolean classification = meta.readBoolean();
            boolean grouped = meta.readBoolean();
            List<String> classes = strings(meta);
            List<String> groupNames = strings(meta);
            int f = meta.readInt();
            double[] mean = new double[f];
            double[] std = new double[f];
            for (int k = 0; k < f; k++) {
                mean[k] = meta.readDouble();
                std[k] = meta.readDouble();
            }
            Map<String, String> provenance = new LinkedHashMap<>();
            for (int i = meta.readInt(); i > 0; i--) {
                provenance.put(meta.readUTF(), meta.readUTF());
            }
            if (rows < 0 || f < 1 || 4L + metaLen + bulkBytes(rows, f, !classification, grouped) != payload) {
                throw corrupt(uri, "sizes disagree with the header");
            }
            float[] x = src.floats((int) ((long) rows * f));
            byte[] parts = src.bytes(rows);
            int[] labels = classification ? src.ints(rows) : null;
            double[] targets = classification ? null : src.doubles(rows);
            int[] groups = grouped ? src.ints(rows) : null;
            src.checkCrc();
            t = new Table(rows, x, shape, columns, classes, labels, targets, groups, grouped ? groupNames : null, parts, mean, std, provenance);
        } catch (DatasetException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // the length matched the header, so bytes that parse as nonsense were damaged after writing
            throw corrupt(uri, "unreadable metadata: " + e.getMessage());
        }
        if (!t.fingerprint().equals(fingerprint)) {
            throw corrupt(uri, "the provenance hashes to " + t.fingerprint() + ", the header says " + fingerprint);
        }
        return new Scanned(fingerprint, t);
    }

    private static DatasetException corrupt(String uri, String what) {
        return new DatasetException(uri + ": corrupt table cache (" + what + ")");
    }

    /** Bytes of the bulk arrays after the metadata. */
    private static long bulkBytes(long rows, int f, boolean regression, boolean grouped) {
        return rows * (4L * f + 1 + (regression ? 8 : 4) + (grouped ? 4 : 0));
    }

    private static byte[] meta(Table t) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(t.rows());
        int[] shape = t.featureShape();
        out.writeInt(shape.length);
        for (int d : shape) {
            out.writeInt(d);
        }
        out.writeInt(t.featureColumns().size());
        for (FeatureColumn c : t.featureColumns()) {
            out.writeUTF(c.name());
            out.writeUTF(c.kind().name());
            out.writeInt(c.width());
        }
        out.writeBoolean(t.classification());
        out.writeBoolean(t.rawGroups() != null);
        strings(out, t.classes());
        strings(out, t.groupNames());
        out.writeInt(t.featureSize());
        for (int k = 0; k < t.featureSize(); k++) {
            out.writeDouble(t.rawMean()[k]);
            out.writeDouble(t.rawStd()[k]);
        }
        out.writeInt(t.provenance().size());
        for (Map.Entry<String, String> e : t.provenance().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.flush();
        return b.toByteArray();
    }

    private static void strings(DataOutputStream out, List<String> s) throws IOException {
        out.writeInt(s.size());
        for (String v : s) {
            out.writeUTF(v);
        }
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> out = new ArrayList<>(Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) {
            out.add(in.readUTF());
        }
        return out;
    }

    /** Writes arrays in blocks through the checksum. */
    private static final class Sink {
        private final OutputStream out;
        private final CRC32C crc;
        private final ByteBuffer buf = ByteBuffer.allocate(BLOCK);

        Sink(OutputStream out, CRC32C crc) {
            this.out = out;
            this.crc = crc;
        }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) {
                flush();
            }
        }

        void flush() throws IOException {
            crc.update(buf.array(), 0, buf.position());
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }

        void bytes(byte[] a) throws IOException {
            for (int i = 0; i < a.length; ) {
                room(1);
                int n = Math.min(buf.remaining(), a.length - i);
                buf.put(a, i, n);
                i += n;
            }
        }

        void ints(int[] a) throws IOException {
            for (int i = 0; i < a.length; ) {
                room(4);
                int n = Math.min(buf.remaining() / 4, a.length - i);
                buf.asIntBuffer().put(a, i, n);
                buf.position(buf.position() + 4 * n);
                i += n;
            }
        }

        void floats(float[] a) throws IOException {
            for (int i = 0; i < a.length; ) {
                room(4);
                int n = Math.min(buf.remaining() / 4, a.length - i);
                buf.asFloatBuffer().put(a, i, n);
                buf.position(buf.position() + 4 * n);
                i += n;
            }
        }

        void doubles(double[] a) throws IOException {
            for (int i = 0; i < a.length; ) {
                room(8);
                int n = Math.min(buf.remaining() / 8, a.length - i);
                buf.asDoubleBuffer().put(a, i, n);
                buf.position(buf.position() + 8 * n);
                i += n;
            }
        }
    }

    /** Reads arrays in blocks through the checksum, then the stored checksum. */
    private static final class Source {
        private final InputStream in;
        private final CRC32C crc;
        private final String uri;
        private final byte[] block = new byte[BLOCK];

        Source(InputStream in, CRC32C crc, String uri) {
            this.in = in;
            this.crc = crc;
            this.uri = uri;
        }

        /** Fills the block with n bytes (n ≤ BLOCK) through the checksum. */
        private ByteBuffer fill(int n) throws IOException {
            if (in.readNBytes(block, 0, n) < n) {
                throw new EOFException(uri + ": torn table cache: ends early");
            }
            crc.update(block, 0, n);
            return ByteBuffer.wrap(block, 0, n);
        }

        byte[] bytes(int len) throws IOException {
            byte[] a = new byte[len];
            for (int i = 0; i < len; ) {
                int n = Math.min(BLOCK, len - i);
                fill(n).get(a, i, n);
                i += n;
            }
            return a;
        }

        int[] ints(int len) throws IOException {
            int[] a = new int[len];
            for (int i = 0; i < len; ) {
                int n = Math.min(BLOCK / 4, len - i);
                fill(4 * n).asIntBuffer().get(a, i, n);
                i += n;
            }
            return a;
        }

        float[] floats(int len) throws IOException {
            float[] a = new float[len];
            for (int i = 0; i < len; ) {
                int n = Math.min(BLOCK / 4, len - i);
                fill(4 * n).asFloatBuffer().get(a, i, n);
                i += n;
            }
            return a;
        }

        double[] doubles(int len) throws IOException {
            double[] a = new double[len];
            for (int i = 0; i < len; ) {
                int n = Math.min(BLOCK / 8, len - i);
                fill(8 * n).asDoubleBuffer().get(a, i, n);
                i += n;
            }
            return a;
        }

        void skip(long len) throws IOException {
            for (long i = 0; i < len; ) {
                int n = (int) Math.min(BLOCK, len - i);
                fill(n);
                i += n;
            }
        }

        void checkCrc() throws IOException {
            byte[] t = in.readNBytes(4);
            if (t.length < 4 || ByteBuffer.wrap(t).getInt() != (int) crc.getValue()) {
                throw new DatasetException(uri + ": corrupt table cache (checksum mismatch: the file was damaged after it was written)");
            }
        }
    }
}
