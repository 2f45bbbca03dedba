#ifndef ARRAKIS_KERNELS_H
#define ARRAKIS_KERNELS_H
// Element-wise float32 kernels that Swift's baseline x86-64 (SSE2) code cannot vectorise
// well: AVX2 versions chosen at run time on CPUs that have it. Each returns how many
// leading elements it handled (0 without AVX2, or a multiple of 8); the caller does the rest.
#include <stddef.h>
#include <stdint.h>

// out[i] = |re[i] + i im[i]| as max * sqrtf((float)((double)q * q + 1)), q = min / max of the
// parts' magnitudes (numpy's complex64 abs); special values (zero, infinite, NaN) are left
// to the caller, which must check them.
size_t arrakis_moduli_f32(const float *re, const float *im, float *out, size_t count);

// words[i] = byte-swapped words[i] (little- to big-endian float32 for FITS).
size_t arrakis_byteswap32(uint32_t *words, size_t count);
#endif
