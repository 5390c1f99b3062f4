package io.hypergrad.driver.spark;

import io.hypergrad.workers.serial.HypergradKryoRegistrator;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

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
     * The Hadoop configuration for files read before Spark starts (a config on {@code hdfs://} or
     * {@code s3a://}): Hadoop's own files and defaults plus the {@code spark.hadoop.*} entries of
     * {@code conf}, as the SparkContext's would hold them — so credentials given to spark-submit as
     * {@code --conf spark.hadoop.fs.s3a.…} reach the first read too.
     */
    public static Configuration hadoopConfiguration(SparkConf conf) {
        Configuration hadoop = new Configuration();
        for (Tuple2<String, String> e : conf.getAllWithPrefix("spark.hadoop.")) {
            hadoop.set(e._1(), e._2());
        }
        return hadoop;
    }
}
