package io.microllm.bench;

import io.microllm.bench.synth.ModelShape;
import io.microllm.bench.synth.SyntheticModel;
import io.microllm.bench.synth.SyntheticModelCache;
import io.microllm.spi.Backends;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import io.microllm.spi.TensorType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code microllm bench}: which device runs micro LLMs fastest here, how close each comes to the memory-bandwidth
 * limit, and how microllm compares with llama.cpp on the same model.
 *
 * <p>Rows that share a model and thread count form a group: their engines are loaded together, each gets its
 * warm-up runs, then the measured runs take turns (rotating who goes first), so a disturbance from the rest of a
 * shared machine hits all of them alike rather than one row.
 */
public final class HardwareBench {
    /** The default model: SmolLM2-135M's shape, in the two types micro LLMs are usually run in. */
    public static final ModelShape DEFAULT_SHAPE = ModelShape.SMOLLM2_135M;
    public static final List<TensorType> DEFAULT_TYPES = List.of(TensorType.Q8_0, TensorType.Q4_0);
    public static final long DEFAULT_SEED = 1;

    private final BenchSettings settings;
    private final ProgressListener progress;
    private final SyntheticModelCache cache;

    public HardwareBench(BenchSettings settings, ProgressListener progress, SyntheticModelCache cache) {
        this.settings = settings;
        this.progress = progress;
        this.cache = cache;
    }

    /** One engine of a group: microllm on {@code device}, or the peer when {@code device} is null. */
    private record Lane(DeviceInfo device, int threads) {
        String label() { return device == null ? LlamaCppPeer.NAME : device.qualifiedId(); }
    }

    private record Group(ModelInfo model, int threads, List<Lane> lanes) {}

    public BenchReport run() throws IOException {
        Instant date = Instant.now();
        long start = System.nanoTime();
        MachineInfo machine = MachineInfo.probe();
        List<String> notes = new ArrayList<>();
        List<DeviceInfo> devices = devices(notes);
        boolean peer = settings.peer() && peerUsable(notes);

        List<ModelInfo> models = new ArrayList<>();
        for (Path p : settings.models().isEmpty() ? defaultModels() : settings.models()) models.add(ModelInfo.read(p, settings.promptTokens()));
        models.sort(ModelInfo.ORDER);

        List<Integer> threadCounts = settings.threadCounts();
        int hostThreads = threadCounts.getLast();
        List<BandwidthProbe.Bandwidth> bandwidth = measureBandwidth(threadCounts);

        List<Group> groups = plan(models, devices, threadCounts, hostThreads, peer);
        long perLane = 1 + settings.warmups() + settings.repetitions();
        progress.begin("bench", groups.stream().mapToLong(g -> g.lanes().size() * perLane).sum(), "runs");
        List<BenchRow> rows = new ArrayList<>();
        try {
            for (Group g : groups) rows.addAll(measure(g, bandwidth));
        } finally {
            progress.end();
        }
        return new BenchReport(date, Duration.ofNanos(System.nanoTime() - start), machine, settings, bandwidth, models,
                peer ? LlamaCppPeer.description() : null, notes, rows, MachineInfo.loadNow());
    }

    /** The synthetic default models, written once into the cache. */
    private List<Path> defaultModels() throws IOException {
        List<Path> files = new ArrayList<>();
        for (TensorType type : DEFAULT_TYPES) {
            SyntheticModel model = new SyntheticModel(DEFAULT_SHAPE, DEFAULT_SHAPE.defaultArch, type, DEFAULT_SEED);
            if (!cache.contains(model)) {
                progress.begin("synthesizing " + DEFAULT_SHAPE.id + " " + type + " (random weights, once; cached in " + cache.dir() + ")",
                        model.tensorBytes(), "MiB");
                long[] seen = {0};
                try {
                    cache.obtain(model, done -> {
                        progress.advance(done - seen[0], null);
                        seen[0] = done;
                    });
                } finally {
                    progress.end();
                }
            }
            files.add(cache.path(model));
        }
        return files;
    }

    /** Usable devices, restricted by --backend; unusable ones become notes. */
    private List<DeviceInfo> devices(List<String> notes) {
        Backends backends = Backends.discover();
        for (Backends.Found f : backends.providers()) {
            for (DeviceInfo d : f.devices()) {
                if (!d.usable() && selected(d)) notes.add(f.name() + (d.id().equals("-") ? "" : ":" + d.id()) + " unusable: " + d.unusableReason());
            }
        }
        for (String wanted : settings.backends()) {
            backends.choose(wanted); // unknown names and unusable devices fail here, with the reason
        }
        List<DeviceInfo> chosen = backends.ranked().stream().filter(this::selected).toList();
        if (chosen.isEmpty()) throw new IllegalStateException("no usable device to benchmark; run 'microllm devices' to see why");
        return chosen;
    }

    private boolean selected(DeviceInfo d) {
        return settings.backends().isEmpty() || settings.backends().stream().anyMatch(b -> b.equals(d.provider()) || b.equals(d.qualifiedId()));
    }

    /** Whether llama.cpp loads here; if not, the reason is said now (on stderr) and kept for the report. */
    private boolean peerUsable(List<String> notes) {
        String reason = LlamaCppPeer.unavailableReason();
        if (reason != null) {
            notes.add(reason);
            progress.say(reason + "; measuring microllm only");
        }
        return reason == null;
    }

    private List<BandwidthProbe.Bandwidth> measureBandwidth(List<Integer> threadCounts) {
        progress.begin("memory bandwidth", threadCounts.size(), "runs");
        try {
            BandwidthProbe probe = BandwidthProbe.standard();
            List<BandwidthProbe.Bandwidth> result = new ArrayList<>();
            for (int t : threadCounts) {
                progress.advance(0, "reading " + (probe.bytes() >> 20) + " MiB with " + threads(t));
                result.addAll(probe.measure(t));
                progress.advance(1, null);
            }
            return result;
        } finally {
            progress.end();
        }
    }

    /** cpu rows at every thread count; other backends (their own threads) and the peer alongside. */
    private List<Group> plan(List<ModelInfo> models, List<DeviceInfo> devices, List<Integer> threadCounts, int hostThreads, boolean peer) {
        List<Group> groups = new ArrayList<>();
        for (ModelInfo m : models) {
            for (int t : threadCounts) {
                List<Lane> lanes = new ArrayList<>();
                for (DeviceInfo d : devices) {
                    if (sweepsThreads(d) || t == hostThreads) lanes.add(new Lane(d, t));
                }
                if (peer) lanes.add(new Lane(null, t));
                if (!lanes.isEmpty()) groups.add(new Group(m, t, lanes));
            }
        }
        return groups;
    }

    /** The cpu backend computes with the threads it is given; others (OpenCL …) schedule their own device. */
    private static boolean sweepsThreads(DeviceInfo d) { return d.provider().equals("cpu"); }

    private List<BenchRow> measure(Group g, List<BandwidthProbe.Bandwidth> bandwidth) {
        int lanes = g.lanes().size();
        Engine[] engines = new Engine[lanes];
        String[] errors = new String[lanes];
        List<List<RunTimes>> runs = new ArrayList<>();
        try {
            for (int i = 0; i < lanes; i++) {
                runs.add(new ArrayList<>());
                Lane lane = g.lanes().get(i);
                progress.advance(0, what(g, lane, "loading"));
                try {
                    engines[i] = open(g.model(), lane);
                } catch (RuntimeException | Error e) {
                    errors[i] = "load failed: " + message(e);
                }
                progress.advance(1, null);
            }
            for (int w = 0; w < settings.warmups(); w++) {
                for (int i = 0; i < lanes; i++) once(g, i, engines, errors, null, "warm-up " + (w + 1) + "/" + settings.warmups());
            }
            for (int r = 0; r < settings.repetitions(); r++) {
                for (int k = 0; k < lanes; k++) {
                    int i = (k + r) % lanes; // who goes first rotates
                    once(g, i, engines, errors, runs.get(i), "run " + (r + 1) + "/" + settings.repetitions());
                }
            }
        } finally {
            for (Engine e : engines) if (e != null) e.close();
        }
        List<BenchRow> rows = new ArrayList<>();
        for (int i = 0; i < lanes; i++) rows.add(row(g, g.lanes().get(i), runs.get(i), engines[i], errors[i], bandwidth));
        return rows;
    }

    private Engine open(ModelInfo model, Lane lane) {
        return lane.device() == null
                ? new LlamaCppPeer(model.path(), model.architecture(), lane.threads(), settings.contextLength())
                : new MicrollmEngine(model.path(), lane.device(), lane.threads(), settings.contextLength());
    }

    /** One run of lane {@code i} (results kept when {@code into} is not null); a failure ends that lane. */
    private void once(Group g, int i, Engine[] engines, String[] errors, List<RunTimes> into, String which) {
        Lane lane = g.lanes().get(i);
        if (engines[i] != null && errors[i] == null) {
            progress.advance(0, what(g, lane, which));
            try {
                RunTimes t = engines[i].run(g.model().prompt(), settings.generatedTokens());
                if (into != null) into.add(t);
            } catch (RuntimeException | Error e) {
                errors[i] = "run failed: " + message(e);
            }
        }
        progress.advance(1, null);
    }

    private BenchRow row(Group g, Lane lane, List<RunTimes> runs, Engine engine, String error, List<BandwidthProbe.Bandwidth> bandwidth) {
        DeviceInfo d = lane.device();
        String backend = d == null ? LlamaCppPeer.NAME : d.provider();
        String device = d == null ? "cpu" : d.id();
        String name = d == null ? LlamaCppPeer.description() : d.name();
        // Host memory bounds CPU devices (PoCL's included), at the row's thread count; a GPU's own memory was not measured.
        boolean host = d == null || d.kind() == DeviceKind.CPU;
        double bw = host ? bandwidth.stream().filter(b -> b.threads() == lane.threads()).findFirst().orElseThrow().bestBytesPerSecond() : 0;
        long bytesPerToken = g.model().bytesPerToken(settings.promptTokens() + settings.generatedTokens() / 2);
        String note = engine == null ? "" : engine.note();
        long loadMillis = engine == null ? -1 : engine.loadMillis();
        if (error != null || runs.isEmpty()) {
            return new BenchRow(g.model(), backend, device, name, lane.threads(), loadMillis, null, null, bw, bytesPerToken, note,
                    error != null ? error : "no runs");
        }
        Stats pp = Stats.of(runs.stream().mapToDouble(RunTimes::promptPerSecond).toArray());
        Stats tg = Stats.of(runs.stream().mapToDouble(RunTimes::generationPerSecond).toArray());
        return new BenchRow(g.model(), backend, device, name, lane.threads(), loadMillis, pp, tg, bw, bytesPerToken, note, null);
    }

    private String what(Group g, Lane lane, String step) {
        return g.model().type() + " · " + lane.label() + " · " + threads(lane.threads()) + " · " + step;
    }

    private static String threads(int n) { return n + (n == 1 ? " thread" : " threads"); }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
