package io.hypergrad.driver.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.random.CounterRng;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep: a base config, a grid and/or a random search over config keys, fixed overrides, and the
 * summary metric that ranks the runs. It expands into named {@link SweepRun}s, deterministically: the
 * same file gives the same runs with the same names in the same order.
 *
 * <pre>
 * sweep {
 *   name = demo-sweep
 *   base = "../demo.conf"                 # relative to the sweep file
 *   metric = finalValAccuracy             # a key of summary.json (dotted paths reach into objects)
 *   goal = max                            # or min
 *   set { "hypergrad.rounds" = 10 }
 *   grid { "hypergrad.estimator" = ["one-step", "fo"] }
 *   random { samples = 2, seed = 0, "hypergrad.outer.lr" = { logUniform = [1e-4, 1e-2] } }
 * }
 * </pre>
 */
public final class SweepSpec {
    private final String name;
    private final Config base;
    private final String baseLocation;
    private final String metric;
    private final boolean maximise;
    private final List<SweepRun> runs;

    private SweepSpec(String name, Config base, String baseLocation, String metric, boolean maximise, List<SweepRun> runs) {
        this.name = name;
        this.base = base;
        this.baseLocation = baseLocation;
        this.metric = metric;
        this.maximise = maximise;
        this.runs = runs;
    }

    /** Reads and expands a sweep file; every problem is reported with the key it concerns. */
    public static SweepSpec load(File file) {
        if (!file.isFile()) {
            throw new ConfigException("sweep file " + file + " does not exist");
        }
        Config c;
        try {
            c = io.hypergrad.common.config.ConfigFiles.parse(file).resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("sweep file " + file + " does not parse: " + e.getMessage());
        }
        if (!c.hasPath("sweep")) {
            throw new ConfigException(file + ": expected a top-level sweep { … } block");
        }
        Config s = c.getConfig("sweep");
        for (String k : s.root().keySet()) {
            if (!List.of("name", "base", "metric", "goal", "set", "grid", "random").contains(k)) {
                throw new ConfigException("sweep." + k + ": unknown key; known: name, base, metric, goal, set, grid, random");
            }
        }
        String name = s.hasPath("name") ? s.getString("name") : file.getName().replaceFirst("\\.conf$", "");
        Config base = ConfigFactory.empty();
        String baseLocation = null;
        if (s.hasPath("base")) {
            File bf = new File(s.getString("base"));
            if (!bf.isAbsolute()) {
                bf = new File(file.getAbsoluteFile().getParentFile(), s.getString("base"));
            }
            if (!bf.isFile()) {
                throw new ConfigException("sweep.base = " + s.getString("base") + ": no such file (" + bf + ")");
            }
            base = io.hypergrad.common.config.ConfigFiles.parse(bf);
            baseLocation = bf.getPath();
        }
        String metric = s.hasPath("metric") ? s.getString("metric") : "finalValAccuracy";
        String goal = s.hasPath("goal") ? s.getString("goal").toLowerCase(Locale.ROOT) : "max";
        if (!goal.equals("max") && !goal.equals("min")) {
            throw new ConfigException("sweep.goal = " + goal + ": expected max or min");
        }
        Map<String, String> fixed = s.hasPath("set") ? flatten(s.getConfig("set"), "sweep.set") : Map.of();
        List<Map<String, String>> points = expandGrid(s.hasPath("grid") ? s.getConfig("grid") : ConfigFactory.empty());
        if (s.hasPath("random")) {
            points = crossRandom(points, s.getConfig("random"));
        }
        List<SweepRun> runs = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            Map<String, String> overrides = new LinkedHashMap<>(fixed);
            overrides.putAll(points.get(i));
            RunConfig rc = RunConfig.of(overridesConfig(overrides).withFallback(base));
            String runName = runName(points.get(i));
            Integer other = seen.put(runName, i);
            if (other != null) {
                throw new ConfigException("sweep: runs " + (other + 1) + " and " + (i + 1) + " have the same settings (" + runName
                        + "); each grid point must differ");
            }
            runs.add(new SweepRun(runName, overrides, rc));
        }
        return new SweepSpec(name, base, baseLocation, metric, goal.equals("max"), List.copyOf(runs));
    }

    static Config overridesConfig(Map<String, String> overrides) {
        Config o = ConfigFactory.empty();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            o = ConfigFactory.parseString(e.getKey() + " = " + e.getValue()).withFallback(o);
        }
        return o;
    }

    /**
     * Each key's values as HOCON literals, crossed: {@code hypergrad.seed} outermost, so that a sweep stopped
     * part-way holds every other combination for its first seeds; the other keys in alphabetical order (HOCON
     * keeps no order of keys), the last varying fastest. The key
     * {@code cases} takes a list of objects instead, each setting several keys together (e.g. an estimator
     * with the aggregator it needs), crossed with the other keys like any one value.
     */
    static List<Map<String, String>> expandGrid(Config grid) {
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(grid.entrySet());
        entries.sort(java.util.Comparator.comparing((Map.Entry<String, ConfigValue> e) -> !e.getKey().replace("\"", "").equals("hypergrad.seed"))
                .thenComparing(e -> e.getKey().replace("\"", "")));
        for (Map.Entry<String, ConfigValue> e : entries) {
            String key = e.getKey().replace("\"", "");
            ConfigValue value = e.getValue();
            if (value.valueType() != ConfigValueType.LIST) {
                throw new ConfigException("sweep.grid." + key + ": expected a list of " + (key.equals("cases") ? "objects" : "values"));
            }
            List<Map<String, String>> values = new ArrayList<>();
            for (ConfigValue v : (com.typesafe.config.ConfigList) value) {
                if (key.equals("cases")) {
                    if (v.valueType() != ConfigValueType.OBJECT) {
                        throw new ConfigException("sweep.grid.cases: expected objects of settings, got " + v.render(com.typesafe.config.ConfigRenderOptions.concise()));
                    }
                    // Sorted: HOCON keeps no key order, and the run's name lists them.
                    values.add(new java.util.TreeMap<>(flatten(((com.typesafe.config.ConfigObject) v).toConfig(), "sweep.grid.cases")));
                } else {
                    values.add(Map.of(key, v.render(com.typesafe.config.ConfigRenderOptions.concise())));
                }
            }
            if (values.isEmpty()) {
                throw new ConfigException("sweep.grid." + key + ": the list is empty");
            }
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> p : points) {
                for (Map<String, String> v : values) {
                    Map<String, String> q = new LinkedHashMap<>(p);
                    q.putAll(v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }

    /** Every grid point × {@code samples} random draws; draw s of key k is keyed by (seed, s, k). */
    static List<Map<String, String>> crossRandom(List<Map<String, String>> grid, Config random) {
        int samples = random.hasPath("samples") ? random.getInt("samples") : 1;
        long seed = random.hasPath("seed") ? random.getLong("seed") : 0L;
        if (samples < 1) {
            throw new ConfigException("sweep.random.samples = " + samples + ": expected ≥ 1");
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> g : grid) {
            for (int s = 0; s < samples; s++) {
                Map<String, String> p = new LinkedHashMap<>(g);
                int keyIndex = 0;
                for (Map.Entry<String, ConfigValue> e : random.root().entrySet()) {
                    String key = e.getKey();
                    if (key.equals("samples") || key.equals("seed")) {
                        continue;
                    }
                    p.put(key, draw(key, random.getConfig("\"" + key + "\""), CounterRng.of(seed, s, keyIndex++)));
                }
                out.add(p);
            }
        }
        return out;
    }

    private static String draw(String key, Config d, CounterRng rng) {
        if (d.hasPath("uniform")) {
            List<Double> r = d.getDoubleList("uniform");
            return String.valueOf(r.get(0) + (r.get(1) - r.get(0)) * rng.nextDouble());
        }
        if (d.hasPath("logUniform")) {
            List<Double> r = d.getDoubleList("logUniform");
            if (r.get(0) <= 0 || r.get(1) <= 0) {
                throw new ConfigException("sweep.random." + key + ".logUniform: bounds must be positive");
            }
            double lo = Math.log(r.get(0));
            double hi = Math.log(r.get(1));
            return String.valueOf(Math.exp(lo + (hi - lo) * rng.nextDouble()));
        }
        if (d.hasPath("choice")) {
            List<? extends ConfigValue> vs = d.getList("choice");
            return vs.get(rng.nextInt(vs.size())).render(com.typesafe.config.ConfigRenderOptions.concise());
        }
        throw new ConfigException("sweep.random." + key + ": expected { uniform = [lo, hi] }, { logUniform = [lo, hi] } or { choice = [...] }");
    }

    private static Map<String, String> flatten(Config c, String where) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            m.put(e.getKey().replace("\"", ""), e.getValue().render(com.typesafe.config.ConfigRenderOptions.concise()));
        }
        return m;
    }

    /**
     * {@code seed=0,estimator=fo,outer.lr=0.01}: the run's own settings and nothing else (no position), so
     * that a value added to the grid later leaves the finished runs' folders where a resumed sweep finds them.
     */
    static String runName(Map<String, String> point) {
        if (point.isEmpty()) {
            return "run";
        }
        StringBuilder sb = new StringBuilder();
        String sep = "";
        for (Map.Entry<String, String> e : point.entrySet()) {
            String k = e.getKey().startsWith("hypergrad.") ? e.getKey().substring("hypergrad.".length()) : e.getKey();
            String v = e.getValue().replace("\"", "");
            if (v.matches("-?[0-9.]+[eE]?-?[0-9]*") && v.length() > 8) {
                v = String.format(Locale.ROOT, "%.6g", Double.parseDouble(v));
            }
            sb.append(sep).append(k).append('=').append(v);
            sep = ",";
        }
        return sb.toString().replaceAll("[^A-Za-z0-9=.,:_+-]", "_");
    }

    public String name() {
        return name;
    }

    public List<SweepRun> runs() {
        return runs;
    }

    public String metric() {
        return metric;
    }

    public boolean maximise() {
        return maximise;
    }

    /** The base config file, or null when the sweep has none. */
    public String baseLocation() {
        return baseLocation;
    }

    /** The base config (without the sweep's overrides). */
    public Config base() {
        return base;
    }
}
