package io.hypergrad.common.data;

import java.io.File;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds and loads the fetched datasets by name, each at most once per JVM (an executor shares one
 * copy among all its tasks). The data folder is the given one, else the {@code hypergrad.data} system
 * property, else {@code $HYPERGRAD_DATA}, else {@code ~/.cache/hypergrad/data}; any Hadoop path works.
 */
public final class Datasets {
    /** The names {@link #load} knows. */
    public static final String KNOWN = "quickdraw, mnist-train, mnist-test, fashion-mnist-train, fashion-mnist-test, "
            + "iris, wine, breast_cancer, digits, diabetes";
    private static final ConcurrentHashMap<String, Dataset> CACHE = new ConcurrentHashMap<>();

    private Datasets() {}

    /** The data folder: {@code configured} when non-empty, else the property, the environment, the default. */
    public static String dataDir(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String p = System.getProperty("hypergrad.data");
        if (p != null && !p.isBlank() && !p.equals("null")) {
            return p;
        }
        String e = System.getenv("HYPERGRAD_DATA");
        if (e != null && !e.isBlank()) {
            return e;
        }
        return System.getProperty("user.home") + File.separator + ".cache" + File.separator + "hypergrad" + File.separator + "data";
    }

    /** Whether a dataset's folder exists locally (for tests that skip without data). */
    public static boolean present(String dir, String folder) {
        return new File(dir, folder).isDirectory();
    }

    /** A dataset by name from the data folder, loaded once per JVM. */
    public static Dataset load(String dir, String name) {
        return CACHE.computeIfAbsent(dir + "|" + name, k -> read(dir, name));
    }

    private static Dataset read(String dir, String name) {
        String d = dir.endsWith("/") ? dir : dir + "/";
        return switch (name) {
            case "quickdraw" -> QuickDrawReader.read(d + "quickdraw");
            case "mnist-train" -> IdxReader.read(d + "mnist/train-images-idx3-ubyte", d + "mnist/train-labels-idx1-ubyte", 10);
            case "mnist-test" -> IdxReader.read(d + "mnist/t10k-images-idx3-ubyte", d + "mnist/t10k-labels-idx1-ubyte", 10);
            case "fashion-mnist-train" -> IdxReader.read(d + "fashion-mnist/train-images-idx3-ubyte.gz",
                    d + "fashion-mnist/train-labels-idx1-ubyte.gz", 10);
            case "fashion-mnist-test" -> IdxReader.read(d + "fashion-mnist/t10k-images-idx3-ubyte.gz",
                    d + "fashion-mnist/t10k-labels-idx1-ubyte.gz", 10);
            case "iris" -> SklearnReader.readWithHeader(d + "sklearn/iris.csv");
            case "wine" -> SklearnReader.readWithHeader(d + "sklearn/wine_data.csv");
            case "breast_cancer" -> SklearnReader.readWithHeader(d + "sklearn/breast_cancer.csv");
            case "digits" -> SklearnReader.readDigits(d + "sklearn/digits.csv.gz");
            case "diabetes" -> SklearnReader.readDiabetes(d + "sklearn/diabetes_data_raw.csv.gz", d + "sklearn/diabetes_target.csv.gz");
            default -> throw new DatasetException("unknown dataset '" + name + "'; known: " + KNOWN);
        };
    }
}
