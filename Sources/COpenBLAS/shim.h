#ifndef ARRAKIS_COPENBLAS_SHIM_H
#define ARRAKIS_COPENBLAS_SHIM_H
// OpenBLAS's CBLAS interface (Debian libopenblas-dev; pkg-config openblas).
#include <cblas.h>
#endif
