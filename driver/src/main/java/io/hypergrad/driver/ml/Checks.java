package io.hypergrad.driver.ml;

import java.io.Serializable;
import java.util.List;
import java.util.function.Predicate;
import scala.runtime.AbstractFunction1;

/**
 * Param validators for the estimators' {@code Param}s, as the Scala functions Spark ML takes
 * ({@code ParamValidators} covers numbers; these cover the rest). Serialisable, as a Param's are.
 */
final class Checks {
    private Checks() {}

    /** A validator from a serialisable Java predicate. */
    static <T> scala.Function1<T, Object> of(SerializablePredicate<T> test) {
        return new Check<>(test);
    }

    /** One of the given words. */
    static scala.Function1<String, Object> oneOf(List<String> allowed) {
        return of(allowed::contains);
    }

    /** A column name: not blank. */
    static scala.Function1<String, Object> column() {
        return of(s -> s != null && !s.isBlank());
    }

    /** A column name, or empty for "do not output this column" (Spark ML's convention for output columns). */
    static scala.Function1<String, Object> optionalColumn() {
        return of(s -> s != null);
    }

    /** Every entry positive. */
    static scala.Function1<int[], Object> positiveWidths() {
        return of(a -> a != null && java.util.Arrays.stream(a).allMatch(w -> w > 0));
    }

    /** A {@link Predicate} that can travel with its Param. */
    interface SerializablePredicate<T> extends Predicate<T>, Serializable {}

    private static final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final SerializablePredicate<T> test;

        Check(SerializablePredicate<T> test) {
            this.test = test;
        }

        @Override
        public Object apply(T value) {
            return test.test(value);
        }
    }
}
