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
    };

    @Override
    public void registerClasses(Kryo kryo) {
        for (Class<?> c : CLASSES) {
            kryo.register(c);
        }
    }
}
