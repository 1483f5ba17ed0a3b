// Rotary position embedding. x and dst are [n, heads * headDim]; row i has position position0 + i. Pair j < nRot/2
// of a head rotates by theta = pos * base^(-2j/nRot) / freqFactors[j]:
//   NORM (llama): elements (2j, 2j + 1);  NEOX (qwen, gpt-neox): elements (j, j + nRot/2).
// Elements at nRot and above are copied. Work-item (j, head, row) handles pair j, where j runs to ceil(headDim/2):
// pairs past nRot/2 copy elements nRot + 2(j - nRot/2) and the one after it. Each work-item reads its elements before
// writing them, so dst may be x (in place). Global size: (ceil(headDim/2) rounded up to the local size, heads, n).

#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

kernel void rope_f32(global const float* x, ulong xOff, global float* dst, ulong dstOff, uint n, uint heads,
                     uint headDim, uint nRot, int neox, float base, global const float* freqFactors, ulong ffOff,
                     int hasFreqFactors, uint position0) {
    uint j = get_global_id(0);
    uint h = get_global_id(1);
    uint i = get_global_id(2);
    if (2 * j >= headDim || h >= heads || i >= n) return;
    ulong row = (ulong) i * heads * headDim + (ulong) h * headDim;
    const global float* xh = x + xOff + row;
    global float* out = dst + dstOff + row;
    uint half_ = nRot / 2;
    if (j >= half_) {
        uint e = nRot + 2 * (j - half_);
        if (e < headDim) out[e] = xh[e];
        if (e + 1 < headDim) out[e + 1] = xh[e + 1];
        return;
    }
    uint a = neox ? j : 2 * j;
    uint b = neox ? j + half_ : 2 * j + 1;
    float ff = hasFreqFactors ? freqFactors[ffOff + j] : 1.0f;
    float pos = (float) (position0 + i);
#ifdef cl_khr_fp64
    // Large positions make theta large: double keeps cos/sin as exact as the reference's.
    double theta = (double) pos * pow((double) base, -2.0 * j / nRot) / ff;
    float c = (float) cos(theta), s = (float) sin(theta);
#else
    float theta = pos * pow(base, -2.0f * j / nRot) / ff;
    float c = cos(theta), s = sin(theta);
#endif
    float x0 = xh[a], x1 = xh[b];
    out[a] = x0 * c - x1 * s;
    out[b] = x0 * s + x1 * c;
}
