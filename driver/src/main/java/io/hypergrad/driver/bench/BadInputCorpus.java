package io.hypergrad.driver.bench;

import io.hypergrad.driver.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The bad-input corpus: configs, datasets and {@code hypergradient} specs that hypergrad must refuse,
 * each with the exit code and the words its one-line message must contain. The cases are the
 * classpath resources under {@code bad-input/} ({@code cases.tsv} lists them); datasets are generated
 * (they are binary) by the fixtures named in the table. Each case runs the CLI in-process
 * ({@link Main#execute}) in a fresh temporary folder and passes when
 * <ul>
 *   <li>the exit code is the documented one (docs/CLI.md: 2 usage/config/spec, 3 data, 4 run failed);</li>
 *   <li>stderr is one line {@code hypergrad: …} (picocli's usage may follow a usage error) containing every
 *       expected word — which names the key, field or file — and no stack trace;</li>
 *   <li>nothing was left behind: stdout is empty (no half-printed JSON or banner) and the case's folder holds
 *       exactly the files it held before (no run folder, no output file).</li>
 * </ul>
 * {@code cases.tsv} columns, tab-separated: id, expected exit code, expected words (separated by
 * {@code " && "}), the command line (space-separated). In the command line {@code @name} is the resource
 * {@code bad-input/name} copied into the case's folder ({@code +@name} copies it without passing it, for a
 * file that another one refers to), {@code {tmp}} the case's folder, {@code {out}} a
 * run folder inside it that must not come to exist, and {@code {data:fixture}} a data folder the fixture
 * writes (see {@link #writeFixture}).
 */
public final class BadInputCorpus {
    private static final String ROOT = "bad-input/";

    private BadInputCorpus() {}

    /** One case of the corpus. */
    public record Case(String id, int expectedExit, List<String> expectedWords, List<String> args) {
        @Override
        public String toString() {
            return id;
        }
    }

    /** What one case did, and what was wrong with it (empty when it passed). */
    public record Outcome(Case testCase, int exit, String stdout, String stderr, List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }

        /** One line: the case and its problems. */
        public String describe() {
            return testCase.id() + ": " + (passed() ? "ok" : String.join("; ", problems)) + " — stderr: " + firstLine(stderr);
        }
    }

    /** The corpus's totals: cases, cases that passed, one line per failing case, and every case's outcome. */
    public record Result(int total, int passed, List<String> failures, List<Outcome> outcomes) {
        /** Per kind of case (the id's prefix: {@code config}, {@code data}, {@code spec}): {total, passed}, in table order. */
        public java.util.Map<String, int[]> byKind() {
            java.util.Map<String, int[]> m = new java.util.LinkedHashMap<>();
            for (Outcome o : outcomes) {
                String id = o.testCase().id();
                int[] tp = m.computeIfAbsent(id.contains("/") ? id.substring(0, id.indexOf('/')) : id, k -> new int[2]);
                tp[0]++;
                tp[1] += o.passed() ? 1 : 0;
            }
            return m;
        }
    }

    /** Every case, in the table's order. */
    public static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        String table = resourceText(ROOT + "cases.tsv");
        int lineNo = 0;
        for (String line : table.split("\n")) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 4) {
                throw new IllegalStateException("bad-input/cases.tsv line " + lineNo + ": expected 4 tab-separated columns, got " + f.length);
            }
            out.add(new Case(f[0].trim(), Integer.parseInt(f[1].trim()), List.of(f[2].trim().split(" && ")),
                    List.of(f[3].trim().split(" +"))));
        }
        return out;
    }

    /** Runs every case, each in its own temporary folder (deleted afterwards). */
    public static Result run() {
        return run(cases());
    }

    /** Runs the given cases, each in its own temporary folder (deleted afterwards). */
    public static Result run(List<Case> cases) {
        List<String> failures = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        int passed = 0;
        for (Case c : cases) {
            Outcome o;
            try {
                Path dir = Files.createTempDirectory("hypergrad-bad-input-");
                try {
                    o = run(c, dir);
                } finally {
                    deleteTree(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            outcomes.add(o);
            if (o.passed()) {
                passed++;
            } else {
                failures.add(o.describe());
            }
        }
        return new Result(cases.size(), passed, List.copyOf(failures), List.copyOf(outcomes));
    }

    /** Runs one case in {@code dir} (an empty folder) and checks it. */
    public static Outcome run(Case c, Path dir) {
        List<String> args = new ArrayList<>();
        for (String a : c.args()) {
            if (a.startsWith("+@")) {
                materialise(a.substring(1), dir);
            } else {
                args.add(materialise(a, dir));
            }
        }
        TreeSet<String> before = listing(dir);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        synchronized (BadInputCorpus.class) {
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
            System.setOut(o);
            System.setErr(e);
            try {
                exit = Main.execute(o, e, args.toArray(new String[0]));
            } catch (RuntimeException | Error t) {
                exit = -1;
                t.printStackTrace(e);
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
        String stdout = out.toString(StandardCharsets.UTF_8);
        // Library log lines (log4j's "HH:mm:ss LEVEL logger: …", configured by the launcher) are not the message.
        String stderr = err.toString(StandardCharsets.UTF_8).replaceAll("(?m)^\\d\\d:\\d\\d:\\d\\d (WARN|INFO) .*\\R", "");
        List<String> problems = new ArrayList<>();
        if (exit != c.expectedExit()) {
            problems.add("exit " + exit + ", expected " + c.expectedExit());
        }
        if (!stderr.startsWith("hypergrad: ")) {
            problems.add("stderr does not start with 'hypergrad: '");
        }
        String first = firstLine(stderr);
        for (String w : c.expectedWords()) {
            String word = materialise(w, dir);
            if (!first.contains(word)) {
                problems.add("message lacks '" + word + "'");
            }
        }
        if (!"1".equals(System.getenv("HYPERGRAD_DEBUG")) && (stderr.contains("\tat ") || stderr.contains("Exception:"))) {
            problems.add("stack trace or exception class on stderr");
        }
        if (!stdout.isEmpty()) {
            problems.add("output on stdout: " + firstLine(stdout));
        }
        TreeSet<String> after = listing(dir);
        if (!after.equals(before)) {
            TreeSet<String> added = new TreeSet<>(after);
            added.removeAll(before);
            TreeSet<String> removed = new TreeSet<>(before);
            removed.removeAll(after);
            problems.add("files left behind " + added + (removed.isEmpty() ? "" : ", removed " + removed));
        }
        return new Outcome(c, exit, stdout, stderr, List.copyOf(problems));
    }

    /** Runs the corpus and prints one line per case and the totals; exit code 0 when every case passed. */
    public static void main(String[] args) {
        Result r = run();
        r.failures().forEach(System.out::println);
        r.byKind().forEach((k, tp) -> System.out.printf(Locale.ROOT, "%-7s %3d/%d%n", k, tp[1], tp[0]));
        System.out.printf(Locale.ROOT, "bad-input corpus: %d/%d cases refused with the documented exit code and message%n", r.passed(), r.total());
        System.exit(r.passed() == r.total() ? 0 : 1);
    }

    // ---------------------------------------------------------------------------------------------

    private static String materialise(String a, Path dir) {
        if (a.startsWith("@")) {
            String name = a.substring(1);
            Path target = dir.resolve(name);
            if (!Files.exists(target)) {
                try {
                    Files.createDirectories(target.getParent());
                    Files.write(target, resource(ROOT + name));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return target.toString();
        }
        String s = a.replace("{tmp}", dir.toString()).replace("{out}", dir.resolve("run").toString());
        int i;
        while ((i = s.indexOf("{data:")) >= 0) {
            int j = s.indexOf('}', i);
            String fixture = s.substring(i + 6, j);
            Path d = dir.resolve("data-" + fixture);
            if (!Files.exists(d)) {
                writeFixture(fixture, d);
            }
            s = s.substring(0, i) + d + s.substring(j + 1);
        }
        return s;
    }

    /**
     * Writes a data folder in the layout {@code fetch-data} produces, with one thing wrong:
     * {@code empty} (no datasets at all), {@code busy-run} (a run folder another run holds), {@code quickdraw-*} (a {@code quickdraw/} folder of
     * {@code <class>.ndjson.gz} files) and {@code fashion-*} (IDX files under {@code fashion-mnist/}).
     */
    static void writeFixture(String name, Path d) {
        try {
            Files.createDirectories(d);
            Path qd = d.resolve("quickdraw");
            Path fm = d.resolve("fashion-mnist");
            String row = drawing(0.5f, 784);
            switch (name) {
                case "empty" -> { }
                // A run folder whose lock this process holds, as a run still writing it would.
                case "busy-run" -> io.hypergrad.driver.output.RunLock.acquire(d.toString(), new org.apache.hadoop.conf.Configuration(), 60);
                case "quickdraw-no-files" -> Files.createDirectories(qd);
                case "quickdraw-ragged" -> ndjson(qd.resolve("aircraft carrier.ndjson.gz"), row + "\n" + drawing(0.5f, 783) + "\n" + row + "\n");
                case "quickdraw-not-array" -> ndjson(qd.resolve("apple.ndjson.gz"), row + "\n{\"drawing\": [1, 2]}\n");
                case "quickdraw-not-number" -> ndjson(qd.resolve("apple.ndjson.gz"), row.replaceFirst("0\\.5", "\"x\"") + "\n");
                case "quickdraw-out-of-range" -> ndjson(qd.resolve("apple.ndjson.gz"), row + "\n" + row.replaceFirst("0\\.5", "255") + "\n");
                case "quickdraw-empty-class" -> {
                    ndjson(qd.resolve("apple.ndjson.gz"), row + "\n");
                    ndjson(qd.resolve("banana.ndjson.gz"), "\n");
                }
                case "quickdraw-corrupt-gzip" -> {
                    Files.createDirectories(qd);
                    byte[] gz = gzip((row + "\n" + row + "\n").getBytes(StandardCharsets.UTF_8));
                    Files.write(qd.resolve("apple.ndjson.gz"), Arrays.copyOf(gz, gz.length / 2));
                }
                case "quickdraw-few-classes" -> {
                    for (String c : List.of("apple", "banana", "cat")) {
                        ndjson(qd.resolve(c + ".ndjson.gz"), (row + "\n").repeat(20));
                    }
                }
                case "quickdraw-345" -> {
                    // Valid and complete in shape (345 classes) but only 2 drawings per class.
                    String two = row + "\n" + row + "\n";
                    for (int c = 0; c < 345; c++) {
                        ndjson(qd.resolve(String.format(Locale.ROOT, "class %03d.ndjson.gz", c)), two);
                    }
                }
                case "fashion-missing" -> Files.createDirectories(fm);
                case "fashion-bad-magic" -> {
                    idx(fm.resolve("train-images-idx3-ubyte.gz"), 0x00000801, new int[] {20, 28, 28}, 20 * 784);
                    idx(fm.resolve("train-labels-idx1-ubyte.gz"), 0x00000801, new int[] {20}, 20);
                }
                case "fashion-truncated" -> {
                    idx(fm.resolve("train-images-idx3-ubyte.gz"), 0x00000803, new int[] {20, 28, 28}, 5 * 784 + 17);
                    idx(fm.resolve("train-labels-idx1-ubyte.gz"), 0x00000801, new int[] {20}, 20);
                }
                case "fashion-truncated-header" -> {
                    Files.createDirectories(fm);
                    Files.write(fm.resolve("train-images-idx3-ubyte.gz"), new byte[] {0, 0, 8, 3, 0, 0});
                }
                case "fashion-empty-file" -> {
                    Files.createDirectories(fm);
                    Files.write(fm.resolve("train-images-idx3-ubyte.gz"), new byte[0]);
                }
                case "fashion-label-range" -> {
                    idx(fm.resolve("train-images-idx3-ubyte.gz"), 0x00000803, new int[] {20, 28, 28}, 20 * 784);
                    byte[] labels = new byte[20];
                    labels[7] = 12;
                    idxBytes(fm.resolve("train-labels-idx1-ubyte.gz"), 0x00000801, new int[] {20}, labels);
                }
                case "fashion-label-count" -> {
                    idx(fm.resolve("train-images-idx3-ubyte.gz"), 0x00000803, new int[] {20, 28, 28}, 20 * 784);
                    idx(fm.resolve("train-labels-idx1-ubyte.gz"), 0x00000801, new int[] {19}, 19);
                }
                case "fashion-no-labels" -> idx(fm.resolve("train-images-idx3-ubyte.gz"), 0x00000803, new int[] {20, 28, 28}, 20 * 784);
                default -> throw new IllegalStateException("unknown data fixture '" + name + "'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String drawing(float v, int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(v);
        }
        return sb.append(']').toString();
    }

    private static void ndjson(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, gzip(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream g = new GZIPOutputStream(bo)) {
            g.write(b);
        }
        return bo.toByteArray();
    }

    /** An IDX file with the given magic and dimensions and {@code bytes} payload bytes (labels cycle 0–9). */
    private static void idx(Path file, int magic, int[] dims, int bytes) throws IOException {
        byte[] payload = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            payload[i] = (byte) (i % 10);
        }
        idxBytes(file, magic, dims, payload);
    }

    private static void idxBytes(Path file, int magic, int[] dims, byte[] payload) throws IOException {
        Files.createDirectories(file.getParent());
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(bo)) {
            o.writeInt(magic);
            for (int v : dims) {
                o.writeInt(v);
            }
            o.write(payload);
        }
        Files.write(file, gzip(bo.toByteArray()));
    }

    private static TreeSet<String> listing(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            TreeSet<String> out = new TreeSet<>();
            s.forEach(p -> out.add(dir.relativize(p).toString() + (Files.isDirectory(p) ? "/" : "")));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    private static byte[] resource(String name) {
        try (InputStream in = BadInputCorpus.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name + " on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resourceText(String name) {
        return new String(resource(name), StandardCharsets.UTF_8);
    }
}
