package io.hypergrad.driver.cli;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The jar's entry point. Under {@code spark-submit} Spark is on the classpath and this hands straight
 * to {@link Main}. Under {@code java -jar driver/target/hypergrad.jar} Spark is not (it is "provided"):
 * then it loads the jar again with every jar of the {@code lib/} folder beside it — the runtime
 * classpath the build copies there — and runs {@code Main} from that class loader.
 */
public final class Launch {
    private Launch() {}

    public static void main(String[] args) throws Exception {
        try {
            Class.forName("org.apache.spark.SparkConf", false, Launch.class.getClassLoader());
            Main.main(args);
            return;
        } catch (ClassNotFoundException missing) {
            // Not under Spark: fall through and build the classpath from lib/.
        }
        File jar = new File(Launch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        File lib = new File(jar.getParentFile(), "lib");
        File[] jars = lib.listFiles((d, n) -> n.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            System.err.println("hypergrad: Spark is not on the classpath and there is no " + lib
                    + " beside the jar; run it with spark-submit, or build with deploy/bin/hypergrad build");
            System.exit(ExitCode.FAILED);
        }
        Arrays.sort(jars);
        List<URL> urls = new ArrayList<>();
        urls.add(jar.toURI().toURL());
        for (File f : jars) {
            urls.add(f.toURI().toURL());
        }
        URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Method main = loader.loadClass(Main.class.getName()).getMethod("main", String[].class);
        main.invoke(null, (Object) args);
    }
}
