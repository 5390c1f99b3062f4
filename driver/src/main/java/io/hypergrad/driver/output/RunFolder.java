package io.hypergrad.driver.output;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A run's output folder on any Hadoop file system (file://, hdfs://, s3a://). Every file is written
 * whole to a temporary name and renamed into place, so a reader (or a resumed run) never sees half a
 * file.
 */
public final class RunFolder {
    private final Path root;
    private final FileSystem fs;

    public RunFolder(String uri, Configuration conf) {
        try {
            this.root = new Path(uri);
            this.fs = root.getFileSystem(conf);
            fs.mkdirs(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run folder " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * An existing folder, opened for reading without creating anything: empty when there is no folder
     * at {@code uri} (the constructor would make one).
     */
    public static java.util.Optional<RunFolder> existing(String uri, Configuration conf) {
        try {
            Path path = new Path(uri);
            return path.getFileSystem(conf).exists(path) ? java.util.Optional.of(new RunFolder(uri, conf)) : java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * A path under the folder. Built from a bare path so that a name with a colon (a run named after
     * "hyperdistill:0.99") is not read as a URI scheme.
     */
    private Path child(String name) {
        return new Path(root, new Path(null, null, name));
    }

    /** The folder's URI as given. */
    public String uri() {
        return root.toString();
    }

    /** The fully qualified path of a file in the folder. */
    public String pathOf(String name) {
        return fs.makeQualified(name.isEmpty() ? root : child(name)).toString();
    }

    /** Writes bytes atomically: a temporary file, then a rename over the target. */
    public void writeAtomically(String name, byte[] bytes) {
        Path target = child(name);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
        try {
            fs.mkdirs(target.getParent());
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(bytes);
            }
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("cannot replace " + target);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes UTF-8 text atomically. */
    public void writeText(String name, String text) {
        writeAtomically(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a file exists. */
    public boolean exists(String name) {
        try {
            return fs.exists(child(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A whole file's bytes. */
    public byte[] read(String name) {
        try (InputStream in = fs.open(child(name)); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name + ": " + e.getMessage(), e);
        }
    }

    /** A whole file as UTF-8 text. */
    public String readText(String name) {
        return new String(read(name), StandardCharsets.UTF_8);
    }

    /** File names in a sub-folder (not temporaries), sorted; empty when it does not exist. */
    public List<String> list(String dir) {
        try {
            Path p = child(dir);
            if (!fs.exists(p)) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (FileStatus s : fs.listStatus(p)) {
                String n = s.getPath().getName();
                if (!n.startsWith(".")) {
                    out.add(n);
                }
            }
            String[] a = out.toArray(new String[0]);
            Arrays.sort(a);
            return List.of(a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a file if present. */
    public void delete(String name) {
        try {
            fs.delete(child(name), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
