package io.microllm.backend.cpu;

import io.microllm.spi.TensorType;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The optional native int8 mat-vec kernels of {@code src/main/c} (see {@code microllm_cpu.h} for why they exist),
 * called through the FFM API. Offered like Netty's native transports: {@link #isAvailable()} and
 * {@link #unavailabilityCause()}, loaded once per JVM, never required. Every call is bounds-checked here, because
 * the C code checks nothing.
 */
final class NativeKernels {

    /** Where the build puts the library among the classes (the folder is not a Java package: "native" is a keyword). */
    static final String RESOURCE = "native/linux-x86_64/libmicrollm-cpu.so";

    /** Activation bytes per block: {@code mllm_q8_32} (32 values) and {@code mllm_q8_256} (256 values). */
    private static final int Q8_32_BYTES = 72, Q8_256_BYTES = 292;

    /** The calls are short and never call back into Java, so the thread-state transition is skipped. (Before LOADED: load() uses it.) */
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    private static final Object LOADED = load();

    private final String instructions;
    private final MethodHandle quantize32, quantize256;
    private final MethodHandle attentionHead;
    private final Map<TensorType, MethodHandle> matVecs = new EnumMap<>(TensorType.class);

    private NativeKernels(SymbolLookup lib, int level) {
        instructions = level == 2 ? "AVX-512 VNNI" : "AVX2";
        var address = ValueLayout.ADDRESS;
        var i32 = ValueLayout.JAVA_INT;
        FunctionDescriptor quantize = FunctionDescriptor.of(i32, address, ValueLayout.JAVA_LONG, address);
        quantize32 = handle(lib, "mllm_quantize_q8_32", quantize);
        quantize256 = handle(lib, "mllm_quantize_q8_256", quantize);
        attentionHead = handle(lib, "mllm_attention_head", FunctionDescriptor.of(i32, address, address, ValueLayout.JAVA_LONG,
                i32, address, ValueLayout.JAVA_LONG, i32, i32, i32, ValueLayout.JAVA_FLOAT, address, address));
        FunctionDescriptor matVec = FunctionDescriptor.ofVoid(address, ValueLayout.JAVA_LONG, i32, i32, i32, address, address);
        for (TensorType type : new TensorType[] {TensorType.Q4_0, TensorType.Q8_0, TensorType.Q4_K, TensorType.Q5_K, TensorType.Q6_K}) {
            String name = "mllm_matvec_" + type.name().toLowerCase(Locale.ROOT).replace("_k", "_K") + (level == 2 ? "_vnni" : "_avx2");
            matVecs.put(type, handle(lib, name, matVec));
        }
    }

    /** A missing symbol means a broken build: it fails the load, which reports it as the unavailability cause. */
    private static MethodHandle handle(SymbolLookup lib, String symbol, FunctionDescriptor signature) {
        MemorySegment address = lib.find(symbol).orElseThrow(() -> new IllegalStateException("the library has no " + symbol));
        return Linker.nativeLinker().downcallHandle(address, signature, CRITICAL);
    }

    /** True when the library is built into this jar, loads, and the CPU has what its kernels need. */
    static boolean isAvailable() { return LOADED instanceof NativeKernels; }

    /** Why {@link #isAvailable()} is false, or null. */
    static String unavailabilityCause() { return LOADED instanceof String cause ? cause : null; }

    /** The loaded kernels; call only when {@link #isAvailable()}. */
    static NativeKernels get() { return (NativeKernels) LOADED; }

    /** Whether a native kernel multiplies weights of this type. */
    boolean supports(TensorType type) { return matVecs.containsKey(type); }

    /** For the start-up log line: the instruction set and the weight types. */
    String describe() { return "native int8 dot products (" + instructions + ") for " + matVecs.keySet() + " and F16/F32 attention"; }

    /**
     * Quantizes the {@code in} floats of x at {@code xOffset} into {@code a.quantized} for weights of {@code type}.
     * False when x cannot go native: on the heap, which a native call cannot read, or holding an infinity or NaN,
     * which int8 cannot carry (the Java kernels then propagate it as the reference does).
     */
    boolean prepare(TensorType type, MemorySegment x, long xOffset, int in, Activation a) {
        if (!x.isNative()) return false;
        long blocks = in / type.blockSize();
        MemorySegment values = x.asSlice(xOffset, 4L * in), quantized = a.quantized(activationBytes(type, in));
        try {
            int finite = type.blockSize() == 256
                    ? (int) quantize256.invokeExact(values, blocks, quantized)
                    : (int) quantize32.invokeExact(values, blocks, quantized);
            return finite != 0;
        } catch (Throwable e) {
            throw new IllegalStateException("native activation quantization failed", e);
        }
    }

    private static long activationBytes(TensorType type, int in) {
        return type.blockSize() == 256 ? in / 256 * (long) Q8_256_BYTES : in / 32 * (long) Q8_32_BYTES;
    }

    /** {@code dst[r] = w[r] · x} for rows from..to-1 of a weight matrix {@code in} wide, x prepared in {@code a}. */
    void matVec(TensorType type, MemorySegment w, int in, int from, int to, Activation a, MemorySegment dst, long dstOffset) {
        long rowBytes = type.bytes(in);
        Objects.checkFromToIndex(from, to, (int) Math.min(Integer.MAX_VALUE, w.byteSize() / rowBytes));
        Objects.checkFromIndexSize(0, activationBytes(type, in), a.quantized.byteSize());
        MemorySegment out = dst.asSlice(dstOffset, 4L * to);
        try {
            matVecs.get(type).invokeExact(w, rowBytes, in / type.blockSize(), from, to, a.quantized, out);
        } catch (Throwable e) {
            throw new IllegalStateException("native " + type + " mat-vec failed", e);
        }
    }

    // ---------------------------------------------------------------- attention

    /** Whether {@link #attentionHead} takes a KV cache of this type in this segment. */
    static boolean supportsKv(TensorType type, MemorySegment cache) {
        return (type == TensorType.F16 || type == TensorType.F32) && cache.isNative();
    }

    /**
     * One query head: {@code out = softmax(scale · (q · k_j)) · v_j} over the n cached rows, k_j (v_j) headDim
     * values rowBytes apart from offset; q and out are headDim floats, scores native scratch for n floats. False
     * when a score is not finite (the caller then runs the head in Java, which propagates it as the reference does).
     */
    boolean attentionHead(MemorySegment q, TensorType kType, MemorySegment k, long kOffset, long kRowBytes, TensorType vType,
                          MemorySegment v, long vOffset, long vRowBytes, int n, int headDim, float scale,
                          MemorySegment scores, MemorySegment out) {
        MemorySegment keys = cacheRows(kType, k, kOffset, kRowBytes, n, headDim), values = cacheRows(vType, v, vOffset, vRowBytes, n, headDim);
        MemorySegment query = q.asSlice(0, 4L * headDim), result = out.asSlice(0, 4L * headDim), weights = scores.asSlice(0, 4L * n);
        try {
            return (int) attentionHead.invokeExact(query, keys, kRowBytes, kType == TensorType.F16 ? 1 : 0, values, vRowBytes,
                    vType == TensorType.F16 ? 1 : 0, n, headDim, scale, weights, result) != 0;
        } catch (Throwable e) {
            throw new IllegalStateException("native attention failed", e);
        }
    }

    /** The cache from the first row's start, checked to hold all n rows. */
    private static MemorySegment cacheRows(TensorType type, MemorySegment cache, long offset, long rowBytes, int n, int headDim) {
        long span = n == 0 ? 0 : Math.addExact(Math.multiplyExact(n - 1L, rowBytes), type.bytes(headDim));
        return cache.asSlice(offset, span);
    }

    // ---------------------------------------------------------------- loading

    private static Object load() {
        String os = System.getProperty("os.name", ""), arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "no native kernels for " + os + "/" + arch + " (they are built for Linux x86-64)";
        }
        URL url = NativeKernels.class.getResource(RESOURCE);
        if (url == null) return "this build has no native kernels (backend-cpu was built without a C compiler at /usr/bin/cc)";
        try {
            SymbolLookup lib = SymbolLookup.libraryLookup(localFile(url), Arena.global());
            MethodHandle level = Linker.nativeLinker().downcallHandle(lib.find("mllm_cpu_level").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            int cpuLevel = (int) level.invokeExact();
            if (cpuLevel == 0) return "the CPU lacks AVX2, FMA or F16C, which the native kernels need";
            // -Dmicrollm.cpu.nativeIsa=avx2 keeps to the AVX2 variants on a VNNI CPU (the tests cover both this way).
            boolean avx2Only = "avx2".equalsIgnoreCase(System.getProperty("microllm.cpu.nativeIsa"));
            return new NativeKernels(lib, avx2Only ? 1 : cpuLevel);
        } catch (IllegalCallerException e) {
            return "native access is disabled (run java with --enable-native-access=ALL-UNNAMED): " + e.getMessage();
        } catch (Throwable e) {
            return "the native kernels failed to load: " + e;
        }
    }

    /**
     * The library as a file: itself when the classes are a folder, else a copy named by its content hash (so
     * concurrent JVMs and different builds never overwrite each other's) under the user's cache folder, or under
     * the temporary folder when that one is not writable.
     */
    private static Path localFile(URL url) throws IOException, URISyntaxException, NoSuchAlgorithmException {
        if (url.getProtocol().equals("file")) return Path.of(url.toURI());
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        }
        String name = "libmicrollm-cpu-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + ".so";
        String cache = System.getenv("XDG_CACHE_HOME");
        Path cacheDir = (cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache")).resolve("microllm/native");
        try {
            return copy(bytes, cacheDir.resolve(name));
        } catch (IOException e) {
            return copy(bytes, Path.of(System.getProperty("java.io.tmpdir"), "microllm-" + System.getProperty("user.name"), name));
        }
    }

    private static Path copy(byte[] bytes, Path file) throws IOException {
        if (Files.exists(file) && Files.size(file) == bytes.length) return file;
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "libmicrollm-cpu", ".tmp");
        Files.write(tmp, bytes);
        return Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
