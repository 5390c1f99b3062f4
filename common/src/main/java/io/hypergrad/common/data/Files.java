package io.hypergrad.common.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Opens dataset files through Hadoop's FileSystem API (local paths, file://, hdfs://, s3a://). */
final class Files {
    /** One Hadoop configuration for every file: building one parses Hadoop's XML defaults (tens of ms, 345× for QuickDraw). */
    private static final Configuration CONF = new Configuration();

    private Files() {}

    /** An input stream of the file, un-gzipped when it starts with the gzip magic number. */
    static InputStream open(String uri) {
        try {
            Path p = new Path(uri);
            FileSystem fs = p.getFileSystem(CONF);
            if (!fs.exists(p)) {
                Path file = fileAbove(fs, p.getParent());
                throw new DatasetException(uri + ": " + (file != null ? file + " is a file, not a folder (check hypergrad.data.dir)"
                        : "no such file (fetch the datasets with: deploy/bin/hypergrad fetch-data)"));
            }
            BufferedInputStream in = new BufferedInputStream(fs.open(p), 1 << 16);
            in.mark(2);
            int a = in.read();
            int b = in.read();
            in.reset();
            return a == 0x1f && b == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
        } catch (IOException e) {
            throw new DatasetException(uri + ": cannot open: " + e.getMessage(), e);
        }
    }

    /** The files in a folder whose names end with {@code suffix}, sorted by name. */
    static List<String> list(String dirUri, String suffix) {
        try {
            Path p = new Path(dirUri);
            FileSystem fs = p.getFileSystem(CONF);
            if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) {
                throw new DatasetException(dirUri + ": " + whyNoFolder(fs, p));
            }
            List<String> out = new ArrayList<>();
            for (FileStatus s : fs.listStatus(p)) {
                if (s.isFile() && s.getPath().getName().endsWith(suffix)) {
                    out.add(s.getPath().toString());
                }
            }
            String[] a = out.toArray(new String[0]);
            Arrays.sort(a, (x, y) -> new Path(x).getName().compareTo(new Path(y).getName()));
            return List.of(a);
        } catch (IOException e) {
            throw new DatasetException(dirUri + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** Why {@code p} is no folder: it is a file, a folder above it is a file, or it does not exist. */
    private static String whyNoFolder(FileSystem fs, Path p) throws IOException {
        Path file = fileAbove(fs, p);
        if (file == null) {
            return "no such folder (fetch the datasets with: deploy/bin/hypergrad fetch-data)";
        }
        return (file.equals(p) ? "is a file" : file + " is a file") + ", not a folder (check hypergrad.data.dir)";
    }

    /** The nearest existing path at or above {@code p} when it is a file; null when it is a folder or nothing exists. */
    private static Path fileAbove(FileSystem fs, Path p) throws IOException {
        Path q = p;
        while (q != null && !fs.exists(q)) {
            q = q.getParent();
        }
        return q != null && !fs.getFileStatus(q).isDirectory() ? q : null;
    }
}
