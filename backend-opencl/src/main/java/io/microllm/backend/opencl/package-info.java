/**
 * The OpenCL backend ("opencl"): every op of the SPI as OpenCL C kernels (sources in the kernels module under
 * io/microllm/kernels/opencl), for any OpenCL 1.2+ device through JOCL.
 *
 * <ul>
 * <li>Discovery ({@link io.microllm.backend.opencl.OpenClBackendProvider}) scores every device of every platform;
 *     CPU devices (PoCL) stay below the CPU backend, GPUs above it. Without JOCL natives, ICD loader, platform or
 *     device it reports score 0 and why, and never throws.</li>
 * <li>Weights are uploaded once. Where the device shares host memory they are used in place
 *     (CL_MEM_USE_HOST_PTR on the memory-mapped model, GGUF layout); elsewhere they are copied to the device,
 *     quantized types repacked into a split layout (quants and scales in separate arrays). Activations and KV caches
 *     never leave the device between ops; views are a buffer plus an offset argument.</li>
 * <li>Two kernel shapes: one row per work-item with 16-wide vectors for CPU devices, work-group reductions for
 *     GPUs. Compiled programs are cached on disk (keyed by source, options, device and driver);
 *     {@link io.microllm.backend.opencl.OpenClBackend#programStats()} reports compile and load time.</li>
 * <li>Options (BackendOptions properties, or system properties prefixed "microllm."): {@code opencl.opFilter}
 *     (ops to decline, e.g. "Rope,Attention" or "MatMul:Q4_K"), {@code opencl.kernelShape} (auto, rows, wg),
 *     {@code opencl.weightLayout} (auto, gguf, split), {@code opencl.cacheDir} (a directory, or off).</li>
 * <li>An OpenCL error names the call and the code ({@link io.microllm.backend.opencl.OpenClException}); after a
 *     failure while running, the backend refuses further work until it is closed and opened again.</li>
 * </ul>
 */
package io.microllm.backend.opencl;
