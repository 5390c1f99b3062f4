package io.hypergrad.workers.serial;

import com.esotericsoftware.kryo.Kryo;
import io.hypergrad.workers.episode.EpisodeDescriptor;
import io.hypergrad.workers.episode.PartialResult;
import io.hypergrad.workers.episode.RoundPayload;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class that crosses the wire, so that {@code spark.kryo.registrationRequired=true}
 * holds and a class added without registration fails loudly in tests rather than silently costing
 * bytes on every round.
 */
public final class HypergradKryoRegistrator implements KryoRegistrator {
    /** Every class registered, in registration order (Kryo ids follow it; keep it stable). */
    public static final Class<?>[] CLASSES = {
        RoundPayload.class, EpisodeDescriptor.class, PartialResult.class,
        io.hypergrad.common.config.RunConfig.class, io.hypergrad.common.problems.Split.class,
        double[].class, int[].class, long[].class, double[][].class, Object[].class,
        EpisodeDescriptor[].class, PartialResult[].class,
        io.hypergrad.common.inner.InnerState.class, io.hypergrad.common.inner.InnerState[].class,
        String[].class,
        io.hypergrad.common.hypergrad.DistilledPoint.class, io.hypergrad.common.hypergrad.DistilledPoint[].class,
    };

    /**
     * Spark SQL's own classes that its jobs send with Kryo (schema inference, collects, file writes) — needed
     * since table runs, {@code init} and {@code predict} read and write tables with Spark SQL under
     * registration-required Kryo. By name: the executors' module does not compile against Spark SQL, and a
     * class absent from a classpath (no Spark SQL on it) is skipped. Registered after {@link #CLASSES}, so
     * their ids do not move.
     */
    static final String[] SPARK_SQL_CLASSES = {
        "[Lorg.apache.spark.sql.types.DataType;",
        "org.apache.spark.sql.types.StructType", "[Lorg.apache.spark.sql.types.StructType;",
        "org.apache.spark.sql.types.StructField", "[Lorg.apache.spark.sql.types.StructField;",
        "org.apache.spark.sql.types.Metadata", "org.apache.spark.sql.types.ArrayType", "org.apache.spark.sql.types.DecimalType",
        "org.apache.spark.sql.types.StringType$", "org.apache.spark.sql.types.IntegerType$", "org.apache.spark.sql.types.LongType$",
        "org.apache.spark.sql.types.DoubleType$", "org.apache.spark.sql.types.FloatType$", "org.apache.spark.sql.types.BooleanType$",
        "org.apache.spark.sql.types.ShortType$", "org.apache.spark.sql.types.ByteType$", "org.apache.spark.sql.types.NullType$",
        "org.apache.spark.sql.types.TimestampType$", "org.apache.spark.sql.types.DateType$", "org.apache.spark.sql.types.BinaryType$",
        "org.apache.spark.sql.catalyst.expressions.UnsafeRow", "[Lorg.apache.spark.sql.catalyst.expressions.UnsafeRow;",
        "[Lorg.apache.spark.sql.catalyst.InternalRow;", "org.apache.spark.sql.catalyst.expressions.GenericInternalRow",
        "org.apache.spark.sql.catalyst.expressions.GenericRow", "org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema",
        "[Lorg.apache.spark.sql.Row;",
        "org.apache.spark.sql.execution.datasources.WriteTaskResult",
        "org.apache.spark.sql.execution.datasources.ExecutedWriteSummary",
        "org.apache.spark.sql.execution.datasources.BasicWriteTaskStats",
        "org.apache.spark.internal.io.FileCommitProtocol$TaskCommitMessage",
        "org.apache.spark.sql.execution.datasources.InMemoryFileIndex$SerializableFileStatus",
        "org.apache.spark.sql.execution.datasources.InMemoryFileIndex$SerializableBlockLocation",
        "[Lorg.apache.spark.sql.execution.datasources.InMemoryFileIndex$SerializableBlockLocation;",
        "org.apache.spark.sql.execution.datasources.v2.DataWritingSparkTaskResult",
        "org.apache.spark.sql.catalyst.util.GenericArrayData", "org.apache.spark.unsafe.types.UTF8String",
        "org.apache.spark.ml.linalg.VectorUDT", "org.apache.spark.ml.linalg.DenseVector", "org.apache.spark.ml.linalg.SparseVector",
        "scala.collection.mutable.WrappedArray$ofRef", "scala.collection.immutable.Map$EmptyMap$",
        "scala.collection.immutable.Set$EmptySet$", "scala.collection.immutable.HashMap$EmptyHashMap$",
        "scala.collection.immutable.$colon$colon", "scala.collection.immutable.Nil$", "scala.None$", "scala.Some",
        "java.util.HashMap", "java.util.ArrayList", "[[B", "java.lang.Class",
        // Spark ML's own jobs (StringIndexer's counts, the evaluators' sorts and summaries), for the estimators
        "org.apache.spark.util.collection.OpenHashMap", "[Lorg.apache.spark.util.collection.OpenHashMap;",
        "org.apache.spark.util.collection.OpenHashSet", "org.apache.spark.util.collection.OpenHashSet$Hasher",
        "scala.reflect.ClassTag$GenericClassTag", "scala.reflect.ManifestFactory$DoubleManifest", "scala.reflect.ManifestFactory$IntManifest",
        "scala.reflect.ManifestFactory$LongManifest", "scala.Tuple2", "[Lscala.Tuple2;", "scala.Tuple3", "[Lscala.Tuple3;",
        "org.apache.spark.mllib.evaluation.binary.BinaryLabelCounter", "[Lorg.apache.spark.mllib.evaluation.binary.BinaryLabelCounter;",
        "org.apache.spark.util.collection.OpenHashMap$mcJ$sp", "org.apache.spark.util.collection.OpenHashMap$mcD$sp",
        "org.apache.spark.util.collection.OpenHashMap$mcI$sp", "org.apache.spark.util.collection.OpenHashSet$mcI$sp",
        "org.apache.spark.util.collection.OpenHashSet$mcJ$sp", "org.apache.spark.util.collection.OpenHashSet$IntHasher",
        "org.apache.spark.util.collection.OpenHashSet$LongHasher", "org.apache.spark.util.collection.BitSet",
        "scala.reflect.ClassTag$$anon$1", "java.lang.Object",
        "org.apache.spark.ml.stat.SummarizerBuffer", "scala.collection.mutable.ArrayBuffer", "scala.collection.immutable.Vector",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeWeightSum$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeM2$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeM2n$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMean$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeL1$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeNNZ$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMax$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMin$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$Mean$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$Variance$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$Std$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$Sum$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$Count$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$NumNonZeros$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$Max$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$Min$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$NormL1$",
        "org.apache.spark.ml.stat.SummaryBuilderImpl$NormL2$",
    };

    @Override
    public void registerClasses(Kryo kryo) {
        for (Class<?> c : CLASSES) {
            kryo.register(c);
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String name : SPARK_SQL_CLASSES) {
            try {
                kryo.register(Class.forName(name, false, loader != null ? loader : getClass().getClassLoader()));
            } catch (ClassNotFoundException e) {
                // Not on this classpath: its jobs cannot send it either.
            }
        }
    }
}
