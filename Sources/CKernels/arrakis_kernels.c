#include "arrakis_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>

static int has_avx2(void) {
    static int answer = -1;
    if (answer < 0) answer = __builtin_cpu_supports("avx2") ? 1 : 0;
    return answer;
}

// numpy's complex64 abs of one value with its special cases: NaN if a part is NaN, the
// larger magnitude when it is 0 or infinite (plus the smaller: inf, or 0).
static float modulus_special(float re, float im) {
    float a = fabsf(re), b = fabsf(im), big = a > b ? a : b, small = a > b ? b : a;
    if (re != re || im != im) return NAN;
    if (big == 0 || big == INFINITY) return big + small;
    float q = small / big;
    return big * sqrtf((float)((double)q * q + 1.0));
}

__attribute__((target("avx2")))
static size_t moduli_avx2(const float *re, const float *im, float *out, size_t count) {
    const __m256 sign = _mm256_set1_ps(-0.0f), zero = _mm256_setzero_ps(), inf = _mm256_set1_ps(INFINITY);
    const __m256d one = _mm256_set1_pd(1.0);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 a = _mm256_andnot_ps(sign, _mm256_loadu_ps(re + i));
        __m256 b = _mm256_andnot_ps(sign, _mm256_loadu_ps(im + i));
        __m256 big = _mm256_max_ps(a, b), small = _mm256_min_ps(a, b);
        __m256 q = _mm256_div_ps(small, big);
        // q * q is exact in double; adding 1 rounds once, then to float once (as Swift's
        // Float(Double(q) * Double(q) + 1)).
        __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(q));
        __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(q, 1));
        __m128 slo = _mm256_cvtpd_ps(_mm256_add_pd(_mm256_mul_pd(lo, lo), one));
        __m128 shi = _mm256_cvtpd_ps(_mm256_add_pd(_mm256_mul_pd(hi, hi), one));
        __m256 s = _mm256_insertf128_ps(_mm256_castps128_ps256(slo), shi, 1);
        _mm256_storeu_ps(out + i, _mm256_mul_ps(big, _mm256_sqrt_ps(s)));
        // Lanes with a NaN, a zero larger part or an infinite one: again one by one.
        __m256 special = _mm256_or_ps(_mm256_cmp_ps(a, b, _CMP_UNORD_Q),
                                      _mm256_or_ps(_mm256_cmp_ps(big, zero, _CMP_EQ_OQ), _mm256_cmp_ps(big, inf, _CMP_EQ_OQ)));
        if (_mm256_movemask_ps(special))
            for (size_t k = i; k < i + 8; k++) out[k] = modulus_special(re[k], im[k]);
    }
    return i;
}

__attribute__((target("avx2")))
static size_t byteswap_avx2(uint32_t *words, size_t count) {
    const __m256i order = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
                                           3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(words + i));
        _mm256_storeu_si256((__m256i *)(words + i), _mm256_shuffle_epi8(v, order));
    }
    return i;
}

size_t arrakis_moduli_f32(const float *re, const float *im, float *out, size_t count) {
    return has_avx2() ? moduli_avx2(re, im, out, count) : 0;
}

size_t arrakis_byteswap32(uint32_t *words, size_t count) {
    return has_avx2() ? byteswap_avx2(words, count) : 0;
}
#else
size_t arrakis_moduli_f32(const float *re, const float *im, float *out, size_t count) { return 0; }
size_t arrakis_byteswap32(uint32_t *words, size_t count) { return 0; }
#endif
