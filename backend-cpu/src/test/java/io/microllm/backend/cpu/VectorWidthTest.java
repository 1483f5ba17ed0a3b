package io.microllm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels use the vector width the property {@code microllm.cpu.vectorBits} asks for (the pom runs the op
 * tests a second time with 256, the AVX2 shape), else the widest the CPU prefers, capped at 512.
 */
class VectorWidthTest {

    @Test
    void speciesFollowsThePropertyOrTheCpu() {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        assertTrue(preferred >= 256, "this test machine should offer AVX2 or better, preferred width is " + preferred);
        int wanted = Integer.getInteger("microllm.cpu.vectorBits", preferred);
        assertEquals(wanted >= 512 ? 512 : 256, VectorKernels.F.vectorBitSize());
        assertEquals(VectorKernels.F.length(), VectorKernels.L);
        System.out.println("VectorWidthTest: kernels run with " + VectorKernels.F.vectorBitSize() + "-bit vectors");
    }
}
