package io.hypergrad.driver.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT (what YARN, Kubernetes and Slurm send first; Ctrl-C) turned into a request to stop at a
 * safe point instead of the JVM's shutdown, which would stop the SparkContext under the running round. A
 * second signal is handled as the JVM would have handled the first (exit now). Closing restores the
 * previous handlers.
 */
final class SignalStop implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private SignalStop() {}

    /** Installs the handlers; {@code onSignal} hears "SIGTERM" or "SIGINT" on the signal-dispatch thread. */
    static SignalStop install(Consumer<String> onSignal) {
        SignalStop s = new SignalStop();
        AtomicBoolean first = new AtomicBoolean(true);
        for (String name : List.of("TERM", "INT")) {
            Signal signal = new Signal(name);
            SignalHandler[] before = new SignalHandler[1];
            try {
                before[0] = Signal.handle(signal, sig -> {
                    if (first.getAndSet(false)) {
                        onSignal.accept("SIG" + sig.getName());
                    } else if (before[0] != null && before[0] != SignalHandler.SIG_IGN) {
                        (before[0] == SignalHandler.SIG_DFL ? exitAsTheJvmWould() : before[0]).handle(sig);
                    }
                });
            } catch (IllegalArgumentException unavailable) {
                // The JVM keeps this signal (e.g. -Xrs): it goes on behaving as it did.
                continue;
            }
            s.signals.add(signal);
            s.previous.add(before[0]);
        }
        return s;
    }

    /** The JVM's own reaction to a shutdown signal: run the shutdown hooks and exit with 128 + the signal's number. */
    private static SignalHandler exitAsTheJvmWould() {
        return sig -> System.exit(128 + sig.getNumber());
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
