package io.hypergrad.workers.episode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The one order in which a job's partial results are added up: a fixed tree over their indices. Level by
 * level, n items are cut into m contiguous groups (as Spark slices a collection: group g holds items
 * [⌊g·n/m⌋, ⌊(g+1)·n/m⌋)) and each group is summed from an empty result in index order; the first level
 * may regroup one-episode parts into the configured partitions, every later one has at most
 * {@value #FANOUT} items per group, and the last sums at most {@value #FANOUT} items into one. With at
 * most {@value #FANOUT} partitions that is the plain partition-order sum.
 *
 * <p>The order depends only on the number of parts and of configured partitions, so the bits of the sum
 * do not depend on where each level runs: the lower levels run on the executors (a shuffle per level,
 * streamed in index order) until what is left for the driver is small, and the driver sums the rest.
 * Spark's own {@code reduce}/{@code treeAggregate} merge in arrival order, which would make the last bits
 * of λ depend on timing.
 */
public final class SumTree {
    /** Most items summed into one at a level. */
    public static final int FANOUT = 16;
    /**
     * Spark conf key: the driver collects a level of the tree once its results total at most this many
     * bytes (estimated; default {@link #DRIVER_BYTES}); larger levels are summed on the executors first.
     * Results do not depend on it (0 runs every level but the last on the executors).
     */
    public static final String DRIVER_BYTES_KEY = "spark.hypergrad.driverResultBytes";
    /** The default of {@link #DRIVER_BYTES_KEY}: 8 MiB. */
    public static final long DRIVER_BYTES = 8L << 20;

    private SumTree() {}

    /** The group of item i when n items are cut into m contiguous groups as Spark slices a collection. */
    public static int groupOf(int i, int n, int m) {
        return (int) (((long) (i + 1) * m - 1) / n);
    }

    /** Groups at the level above n items: {@code partitions} for the first level of one-episode parts, else ⌈n / FANOUT⌉. */
    public static int groupsAbove(int n, int partitions, boolean first) {
        return first && partitions < n ? partitions : (n + FANOUT - 1) / FANOUT;
    }

    /** One level, on the driver: the sums of the m groups of {@code items}, in group order. */
    public static List<PartialResult> level(List<PartialResult> items, int m) {
        int n = items.size();
        List<PartialResult> sums = new ArrayList<>(m);
        for (int g = 0; g < m; g++) {
            PartialResult s = new PartialResult();
            for (int i = (int) ((long) g * n / m); i < (int) ((long) (g + 1) * n / m); i++) {
                s.add(items.get(i));
            }
            sums.add(s);
        }
        return sums;
    }

    /**
     * The rest of the tree on the driver, from a level of {@code items}.
     *
     * @param first whether {@code items} are the job's own parts (the first level may regroup them)
     */
    public static PartialResult finish(List<PartialResult> items, int partitions, boolean first) {
        if (items.isEmpty()) {
            return new PartialResult();
        }
        // The job's own parts go through at least one level, even a single part: a sum starts from an empty
        // result, as a partition's does; a sum the executors finished is taken as it is.
        boolean isFirst = first;
        while (isFirst || items.size() > 1) {
            items = level(items, groupsAbove(items.size(), partitions, isFirst));
            isFirst = false;
        }
        return items.get(0);
    }

    /** {@link #DRIVER_BYTES_KEY} as set in {@code conf}. */
    public static long driverBytes(org.apache.spark.SparkConf conf) {
        return conf.getSizeAsBytes(DRIVER_BYTES_KEY, String.valueOf(DRIVER_BYTES));
    }

    /**
     * The levels a job runs on the executors: while the level's results are estimated above
     * {@code driverBytes} in all, one more level is summed there.
     *
     * @param parts        the job's parts, one per Spark partition
     * @param partitions   the configured partitions (fewer than the parts when each part is one episode)
     * @param partialBytes the estimated size of one result's summed arrays (a sum is as large as what it adds)
     * @param driverBytes  the most the driver collects when a level can still be summed before
     */
    public static Top onExecutors(JavaRDD<PartialResult> parts, int partitions, long partialBytes, long driverBytes) {
        JavaRDD<PartialResult> level = parts;
        int n = parts.getNumPartitions();
        boolean first = true;
        while (n > 1 && (double) n * partialBytes > driverBytes) {
            int m = groupsAbove(n, partitions, first);
            level = level(level, m);
            n = m;
            first = false;
        }
        return new Top(level, first);
    }

    /**
     * What the driver collects and finishes with {@link #finish}.
     *
     * @param rdd   the level the executors stopped at
     * @param parts whether that is still the job's own parts (no level ran on the executors)
     */
    public record Top(JavaRDD<PartialResult> rdd, boolean parts) {}

    /**
     * One level on the executors: the job's items (partition i holds item i, one per partition) shuffled
     * into m groups, each summed in index order as its items stream in sorted by index.
     */
    public static JavaRDD<PartialResult> level(JavaRDD<PartialResult> items, int m) {
        int n = items.getNumPartitions();
        return JavaPairRDD.fromJavaRDD(items.mapPartitionsWithIndex(SumTree::indexed, true))
                .repartitionAndSortWithinPartitions(new Groups(n, m))
                .values()
                .mapPartitions(SumTree::sumInOrder, true);
    }

    private static Iterator<Tuple2<Integer, PartialResult>> indexed(Integer index, Iterator<PartialResult> it) {
        List<Tuple2<Integer, PartialResult>> out = new ArrayList<>(1);
        it.forEachRemaining(p -> out.add(new Tuple2<>(index, p)));
        return out.iterator();
    }

    private static Iterator<PartialResult> sumInOrder(Iterator<PartialResult> it) {
        PartialResult s = new PartialResult();
        it.forEachRemaining(s::add);
        return List.of(s).iterator();
    }

    /** Sends item i of n to its group's partition. */
    static final class Groups extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int n;
        private final int m;

        Groups(int n, int m) {
            this.n = n;
            this.m = m;
        }

        @Override
        public int numPartitions() {
            return m;
        }

        @Override
        public int getPartition(Object key) {
            return groupOf((Integer) key, n, m);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Groups g && g.n == n && g.m == m;
        }

        @Override
        public int hashCode() {
            return 31 * n + m;
        }
    }
}
