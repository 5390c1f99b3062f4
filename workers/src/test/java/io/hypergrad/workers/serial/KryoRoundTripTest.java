package io.hypergrad.workers.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.problems.Split;
import io.hypergrad.workers.episode.EpisodeDescriptor;
import io.hypergrad.workers.episode.PartialResult;
import io.hypergrad.workers.episode.RoundPayload;
import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;

/** Every class that crosses the wire survives Spark's Kryo with registration required, field by field. */
class KryoRoundTripTest {
    static SerializerInstance kryo() {
        SparkConf conf = new SparkConf().set("spark.kryo.registrator", HypergradKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", "true");
        return new KryoSerializer(conf).newInstance();
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) {
        SerializerInstance k = kryo();
        ClassTag<T> tag = (ClassTag<T>) scala.reflect.ClassTag$.MODULE$.apply(value.getClass());
        ByteBuffer b = k.serialize(value, tag);
        return k.deserialize(b, tag);
    }

    @Test
    void payloadDescriptorsAndResultsRoundTrip() {
        RunConfig c = RunConfig.parse("hypergrad { problem = sinusoid, seed = 9, estimator = \"hyperdistill:0.9\" }");
        RoundPayload p = roundTrip(new RoundPayload(3, new double[] {1, 2}, new double[] {3}, 0.7, c, true));
        assertEquals(3, p.round);
        assertArrayEquals(new double[] {1, 2}, p.lambda);
        assertEquals(0.7, p.theta);
        assertTrue(p.refit);
        assertEquals("hyperdistill:0.9", p.config.get(RunConfig.ESTIMATOR), "the config survives (its HOCON travels)");
        assertEquals(9L, p.config.get(RunConfig.SEED));

        InnerState z = new InnerState(new double[] {1, 2, 3}, new double[][] {{4, 5, 6}}, 7);
        EpisodeDescriptor d = roundTrip(new EpisodeDescriptor(5, Split.META_TRAIN, 2, z,
                new io.hypergrad.common.hypergrad.DistilledPoint(4, 0.5, 11L, z, new int[] {3, 4}, new int[] {1, 0})));
        assertEquals(5, d.task());
        assertEquals(Split.META_TRAIN, d.split());
        assertEquals(2, d.taskRound());
        assertEquals(z, d.state());
        assertEquals(4, d.carried().t());
        assertEquals(z, d.carried().state());
        assertArrayEquals(new int[] {1, 0}, d.carried().rows());

        PartialResult r = new PartialResult();
        r.episodes = 2;
        r.rows = 1;
        r.trajectory = new double[] {0.5, -0.5};
        r.reptile = new double[] {1e-3};
        r.valLoss = 1.25;
        r.thetaX = new double[] {1};
        r.thetaY = new double[] {2};
        r.continuingTasks = new int[] {1};
        r.continuingStates = new InnerState[] {z};
        r.continuingCarries = new io.hypergrad.common.hypergrad.DistilledPoint[] {d.carried()};
        PartialResult back = roundTrip(r);
        assertArrayEquals(r.trajectory, back.trajectory);
        assertArrayEquals(r.reptile, back.reptile);
        assertEquals(r.valLoss, back.valLoss);
        assertArrayEquals(r.thetaY, back.thetaY);
        assertEquals(z, back.continuingStates[0]);
        assertArrayEquals(new int[] {3, 4}, back.continuingCarries[0].steps());
        assertArrayEquals(new int[] {1}, back.continuingTasks);
    }
}
