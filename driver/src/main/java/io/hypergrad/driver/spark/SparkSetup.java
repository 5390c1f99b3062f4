package io.hypergrad.driver.spark;

import io.hypergrad.workers.serial.HypergradKryoRegistrator;
import org.apache.spark.SparkConf;

/** The Spark settings every hypergrad application uses; values already set by the user win. */
public final class SparkSetup {
    private SparkSetup() {}

    /**
     * Fills in hypergrad's defaults: Kryo with every wire class registered and registration required,
     * {@code local[*]} when no master is configured (the embedded default), and an application name.
     */
    public static SparkConf configure(SparkConf conf) {
        conf.setIfMissing("spark.master", "local[*]");
        conf.setIfMissing("spark.app.name", "hypergrad");
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", HypergradKryoRegistrator.class.getName());
        conf.setIfMissing("spark.kryo.registrationRequired", "true");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        return conf;
    }

    /**
     * The Hadoop configuration a SparkContext made from {@code conf} would have, without starting one: the
     * defaults plus every {@code spark.hadoop.*} setting (for paths opened before Spark starts).
     */
    public static org.apache.hadoop.conf.Configuration hadoopConfiguration(SparkConf conf) {
        org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
        for (scala.Tuple2<String, String> kv : conf.getAll()) {
            if (kv._1().startsWith("spark.hadoop.")) {
                hadoop.set(kv._1().substring("spark.hadoop.".length()), kv._2());
            }
        }
        return hadoop;
    }
}
