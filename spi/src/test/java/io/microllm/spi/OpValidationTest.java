package io.microllm.spi;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class OpValidationTest {
    static TensorSpec f32(int r, int c) { return TensorSpec.of(TensorType.F32, r, c); }

    @Test
    void acceptsWellFormedOps() {
        new Op.MatMul(TensorSpec.of(TensorType.Q8_0, 64, 256), f32(3, 256), f32(1, 64), f32(3, 64)).validate();
        new Op.Rope(f32(2, 128), 64, 64, RopeMode.NEOX, 1e6f, null, 5, f32(2, 128)).validate();
        new Op.Attention(f32(1, 256), TensorSpec.of(TensorType.F16, 16, 128), TensorSpec.of(TensorType.F16, 16, 128),
                4, 2, 15, 0.125f, f32(1, 256)).validate();
        new Op.Add(f32(4, 8), f32(1, 8), f32(4, 8)).validate();
    }

    @Test
    void matMulShapeMismatchNamesOpAndShapes() {
        var op = new Op.MatMul(TensorSpec.of(TensorType.Q4_0, 64, 256), f32(1, 128), null, f32(1, 64));
        var e = assertThrows(IllegalArgumentException.class, op::validate);
        assertTrue(e.getMessage().startsWith("MatMul: x must have 256 columns"), e.getMessage());
    }

    @Test
    void attentionNeedsEnoughCacheRows() {
        var op = new Op.Attention(f32(2, 256), f32(8, 128), f32(8, 128), 4, 2, 7, 1f, f32(2, 256));
        var e = assertThrows(IllegalArgumentException.class, op::validate);
        assertTrue(e.getMessage().contains("needs position0 + n = 9"), e.getMessage());
    }

    @Test
    void rejectsWrongTypes() {
        assertThrows(IllegalArgumentException.class,
                () -> new Op.GetRows(TensorSpec.of(TensorType.Q8_0, 10, 32), f32(1, 2), f32(2, 32)).validate());
        assertThrows(IllegalArgumentException.class,
                () -> new Op.Copy(f32(2, 4), TensorSpec.of(TensorType.Q8_0, 1, 32)).validate());
        assertThrows(IllegalArgumentException.class,
                () -> new Op.Rope(f32(1, 96), 64, 64, RopeMode.NORM, 1e4f, null, 0, f32(1, 96)).validate());
    }

    @Test
    void nullRequiredTensorIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Op.Silu(null, f32(1, 4)).validate());
        assertEquals("Silu: a required tensor is null", e.getMessage());
    }

    @Test
    void inputsAndOutputFollowRecordComponents() {
        var w = TensorSpec.of(TensorType.F16, 8, 4);
        var x = f32(1, 4);
        var y = f32(1, 8);
        var op = new Op.MatMul(w, x, null, y);
        assertEquals(List.of(w, x), op.inputs());
        assertSame(y, op.output());
        assertEquals("MatMul", op.name());
    }

    @Test
    void tensorTypeBytesAndIds() {
        assertEquals(34L * 4, TensorType.Q8_0.bytes(128));
        assertEquals(210, TensorType.Q6_K.bytes(256));
        assertThrows(IllegalArgumentException.class, () -> TensorType.Q4_K.bytes(100));
        assertEquals(TensorType.Q4_K, TensorType.byGgufId(12));
        assertNull(TensorType.byGgufId(99));
    }
}
