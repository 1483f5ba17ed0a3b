package io.microllm.backend.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * Moves data between a heap and a staging array, which is what the host reads and writes: the heaps themselves
 * stay on the device. {@code p = [heapOffset, count]}. {@link #touch} references every array without changing
 * any, for the graphs that only transfer heaps.
 */
final class TransferKernels {
    private TransferKernels() {}

    /** Never writes (p[0] is never -1 when it runs); the accesses make TornadoVM keep every heap in the graph. */
    static void touch(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf) {
        if (p.get(0) == -1) {
            f.set(0, f.get(0) + pf.get(0));
            h.set(0, h.get(0));
            b.set(0, b.get(0));
            ints.set(0, ints.get(0));
        }
    }

    static void floatsIn(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf, FloatArray stage) {
        for (int i = ctx.globalIdx; i < p.get(1); i += ctx.globalGroupSizeX) {
            f.set(p.get(0) + i, stage.get(i));
        }
    }

    static void floatsOut(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf, FloatArray stage) {
        for (int i = ctx.globalIdx; i < p.get(1); i += ctx.globalGroupSizeX) {
            stage.set(i, f.get(p.get(0) + i));
        }
    }

    static void shortsIn(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf, ShortArray stage) {
        for (int i = ctx.globalIdx; i < p.get(1); i += ctx.globalGroupSizeX) {
            h.set(p.get(0) + i, stage.get(i));
        }
    }

    static void shortsOut(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf, ShortArray stage) {
        for (int i = ctx.globalIdx; i < p.get(1); i += ctx.globalGroupSizeX) {
            stage.set(i, h.get(p.get(0) + i));
        }
    }

    static void bytesIn(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf, ByteArray stage) {
        for (int i = ctx.globalIdx; i < p.get(1); i += ctx.globalGroupSizeX) {
            b.set(p.get(0) + i, stage.get(i));
        }
    }

    static void intsIn(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf, IntArray stage) {
        for (int i = ctx.globalIdx; i < p.get(1); i += ctx.globalGroupSizeX) {
            ints.set(p.get(0) + i, stage.get(i));
        }
    }

    static void intsOut(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf, IntArray stage) {
        for (int i = ctx.globalIdx; i < p.get(1); i += ctx.globalGroupSizeX) {
            stage.set(i, ints.get(p.get(0) + i));
        }
    }
}
