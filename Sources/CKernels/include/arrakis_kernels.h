#ifndef ARRAKIS_KERNELS_H
#define ARRAKIS_KERNELS_H
// Element-wise float32 kernels that Swift's baseline x86-64 (SSE2) code cannot vectorise
// well: AVX2 versions chosen at run time on CPUs that have it. Each returns how many
// leading elements it handled (0 without AVX2, or a multiple of 8); the caller does the rest.
#include <stddef.h>
#include <stdint.h>

// out[i] = |re[i] + i im[i]| as max * sqrtf((float)((double)q * q + 1)), q = min / max of the
// parts' magnitudes (numpy's complex64 abs), special values (a zero, infinite or NaN part)
// included.
size_t arrakis_moduli_f32(const float *re, const float *im, float *out, size_t count);

// words[i] = byte-swapped words[i] (little- to big-endian float32 for FITS).
size_t arrakis_byteswap32(uint32_t *words, size_t count);

// Allocates the blocks of a file's first `length` bytes (Linux fallocate, mode 0): 0, or
// the errno (EOPNOTSUPP where the filesystem cannot).
int arrakis_reserve_file(int descriptor, int64_t length);

// Non-uniform FFT spreading: for each of `pixels` pixels i (columns of the q and u planes,
// `ldb` apart, `channels` planes), adds q[j][i] * weights[j][c] to grid_re[i][first[j] + c]
// and u[j][i] * weights[j][c] to grid_im[...], c < width; grids `stride` floats apart.
// AVX2 with FMA for width 8 where the CPU has them.
void arrakis_nufft_spread(const float *q, const float *u, size_t ldb, size_t pixels, size_t channels,
                          const int32_t *first, const float *weights, size_t width,
                          float *grid_re, float *grid_im, size_t stride);

// Non-uniform FFT modes out: re[k][i] + i im[k][i] = (out_re[i][cells[k]] + i out_im[...]) *
// (correction_re[k] + i correction_im[k]) for k < modes, i < pixels; rows `ldc` apart.
void arrakis_nufft_gather(const float *out_re, const float *out_im, size_t stride, size_t pixels,
                          const int32_t *cells, const float *correction_re, const float *correction_im, size_t modes,
                          float *re, float *im, size_t ldc);
#endif
