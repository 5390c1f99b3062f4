package io.hypergrad.driver.round;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The worked plugin of {@code deploy/examples/plugin/}, compiled against this build into a jar of its own —
 * as a user would ship it with {@code --jars} — so that it is not on the test's class path.
 */
final class PluginExample {
    static final String CLASS = "com.acme.SparseRegressionProblem";

    private PluginExample() {}

    /** Compiles the example into {@code dir/acme-problem.jar} and returns the jar. */
    static Path jar(Path dir) throws IOException {
        Path src = StandaloneClusterTest.repoRoot().resolve("deploy/examples/plugin/com/acme/SparseRegressionProblem.java");
        Path classes = Files.createDirectories(dir.resolve("plugin-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-cp", System.getProperty("java.class.path"), "-d", classes.toString(), src.toString());
        if (rc != 0) {
            throw new IllegalStateException("the plugin example does not compile (javac exit " + rc + ")");
        }
        Path jar = dir.resolve("acme-problem.jar");
        StandaloneClusterTest.packDirectory(classes, jar);
        return jar;
    }

    /** The example's config, shortened for a test. */
    static String config() throws IOException {
        return Files.readString(StandaloneClusterTest.repoRoot().resolve("deploy/examples/plugin/plugin.conf"))
                + "\nhypergrad.rounds = 4\nhypergrad.eval.testTasks = 4\n";
    }

    /** Runs {@code body} with the plugin jar on the driver's context class loader (as spark-submit --jars puts it there). */
    static <T> T withJar(Path jar, java.util.function.Supplier<T> body) throws IOException {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, before)) {
            t.setContextClassLoader(loader);
            return body.get();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    static List<String> withJar(List<String> jars, Path jar) {
        return Stream.concat(jars.stream(), Stream.of(jar.toString())).toList();
    }
}
