#ifndef ARRAKIS_CFFTW_SHIM_H
#define ARRAKIS_CFFTW_SHIM_H
// FFTW 3's single-precision interface (Debian libfftw3-dev; pkg-config fftw3f).
#include <fftw3.h>
#endif
