package io.microllm.conformance;

import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SupportMatrixTest {
    private static final DeviceInfo DEVICE = new DeviceInfo("cpu", "0", "test cpu", DeviceKind.CPU, 0, Set.of(), 10, null);

    private static CaseResult result(String op, String type, String params, Outcome outcome, String detail) {
        return new CaseResult(op, type, params, OpClass.MATMUL, outcome, outcome == Outcome.PASS ? 1.5e-6 : Double.NaN, 7, detail, 3);
    }

    private static final ConformanceResults RESULTS = new ConformanceResults(DEVICE, 42, List.of(
            result("MatMul", "Q4_0", "type=Q4_0,w=[7, 32],n=1", Outcome.PASS, "NMSE 1.5e-06"),
            result("MatMul", "Q4_0", "type=Q4_0,w=[33, 96],n=5,bias", Outcome.FAIL, "NMSE 3e-2 > 5e-4, \"quoted\""),
            result("MatMul", "Q6_K", "type=Q6_K,w=[7, 256],n=1", Outcome.UNSUPPORTED, "MatMul: no Q6_K kernel"),
            result("Rope", "NORM", "mode=NORM", Outcome.PASS, "")), null);

    @Test
    void csvHasOneQuotedLinePerCase(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("sub/cpu.csv");
        SupportMatrix.of(RESULTS, ConformanceResults.skipped(DeviceInfo.unusable("opencl", "no OpenCL platform"), "no OpenCL platform")).write(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("backend,device,op,type,params,op_class,outcome,nmse,max_nmse,seed,millis,detail", lines.get(0));
        assertEquals("cpu:0,test cpu,MatMul,Q4_0,\"type=Q4_0,w=[7, 32],n=1\",MATMUL,PASS,1.500e-06,5e-04,7,3,NMSE 1.5e-06", lines.get(1));
        assertTrue(lines.get(2).endsWith(",\"NMSE 3e-2 > 5e-4, \"\"quoted\"\"\""), lines.get(2));
        assertEquals("opencl:-,(none),*,*,,,SKIPPED,,,,,no OpenCL platform", lines.get(5));
        assertEquals(6, lines.size());
    }

    @Test
    void tableHasARowPerOpAndTypeAndAColumnPerDevice() {
        var bytes = new ByteArrayOutputStream();
        SupportMatrix.of(RESULTS, ConformanceResults.skipped(DeviceInfo.unusable("opencl", "no OpenCL platform"), "no OpenCL platform"))
                .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("op type"), table);
        assertTrue(table.matches("(?s).*MatMul Q4_0\\s+\\| FAIL 1/2\\s+\\| skipped.*"), table);
        assertTrue(table.matches("(?s).*MatMul Q6_K\\s+\\| no\\s+\\| skipped.*"), table);
        assertTrue(table.matches("(?s).*Rope NORM\\s+\\| yes\\s+\\| skipped.*"), table);
        assertTrue(table.contains("UNSUPPORTED MatMul Q6_K: MatMul: no Q6_K kernel"), table);
        assertTrue(table.contains("opencl:-: SKIPPED, no OpenCL platform"), table);
        assertTrue(table.contains("cpu:0: 4 cases, 2 passed, 1 failed, 1 unsupported, 0 skipped (seed 42)"), table);
    }
}
