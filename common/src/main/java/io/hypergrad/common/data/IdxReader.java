package io.hypergrad.common.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads IDX files (the MNIST format), plain or gzipped: unsigned-byte images scaled to [0, 1] and
 * unsigned-byte labels. A wrong magic number, a truncated file or a label out of range is reported
 * with the file and the byte offset.
 */
public final class IdxReader {
    private static final int IMAGES = 0x00000803;
    private static final int LABELS = 0x00000801;

    private IdxReader() {}

    /** An images file and its labels file as one dataset with {@code classes} classes named "0", "1", …. */
    public static Dataset read(String imagesUri, String labelsUri, int classes) {
        int[][] shape = new int[1][];
        byte[] images = readTensor(imagesUri, IMAGES, shape);
        int n = shape[0][0];
        int[] featureShape = new int[shape[0].length - 1];
        for (int i = 1; i < shape[0].length; i++) {
            featureShape[i - 1] = shape[0][i];
        }
        int[][] lshape = new int[1][];
        byte[] lbytes = readTensor(labelsUri, LABELS, lshape);
        if (lshape[0][0] != n) {
            throw new DatasetException(labelsUri + ": " + lshape[0][0] + " labels for " + n + " images in " + imagesUri);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = lbytes[i] & 0xff;
            if (labels[i] >= classes) {
                throw new DatasetException(labelsUri + ": label " + labels[i] + " at byte " + (8 + i) + " is not in [0, " + classes + ")");
            }
        }
        float[] x = new float[images.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (images[i] & 0xff) / 255f;
        }
        int[] fs = featureShape.length == 2 ? new int[] {1, featureShape[0], featureShape[1]} : featureShape;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(String.valueOf(c));
        }
        return new Dataset(imagesUri, x, fs, labels, null, names);
    }

    /** The payload of an unsigned-byte IDX tensor with the expected magic; its dimensions go to {@code shape[0]}. */
    static byte[] readTensor(String uri, int magic, int[][] shape) {
        try (InputStream raw = Files.open(uri); DataInputStream in = new DataInputStream(raw)) {
            int m;
            try {
                m = in.readInt();
            } catch (EOFException e) {
                throw new DatasetException(uri + ": truncated at byte 0: no IDX header");
            }
            if (m != magic) {
                throw new DatasetException(String.format("%s: wrong magic number 0x%08x at byte 0, expected 0x%08x", uri, m, magic));
            }
            int dims = magic & 0xff;
            int[] d = new int[dims];
            long total = 1;
            for (int i = 0; i < dims; i++) {
                try {
                    d[i] = in.readInt();
                } catch (EOFException e) {
                    throw new DatasetException(uri + ": truncated at byte " + (4 + 4 * i) + " in the header");
                }
                if (d[i] < 0) {
                    throw new DatasetException(uri + ": negative dimension " + d[i] + " at byte " + (4 + 4 * i));
                }
                total *= d[i];
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new DatasetException(uri + ": " + total + " values do not fit in memory");
            }
            byte[] data = new byte[(int) total];
            int read = in.readNBytes(data, 0, data.length);
            if (read < data.length) {
                throw new DatasetException(uri + ": truncated at byte " + (4 + 4 * dims + read) + ": expected " + data.length
                        + " data bytes after the header, got " + read);
            }
            shape[0] = d;
            return data;
        } catch (IOException e) {
            throw new DatasetException(uri + ": cannot read: " + e.getMessage(), e);
        }
    }
}
