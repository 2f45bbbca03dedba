#ifndef ARRAKIS_COPENBLAS_SHIM_H
#define ARRAKIS_COPENBLAS_SHIM_H
// OpenBLAS's CBLAS interface (Debian libopenblas-dev; pkg-config openblas).
#include <cblas.h>

// Stops OpenBLAS's worker pool (exported by OpenBLAS, which calls it itself before a fork;
// not in cblas.h). Its workers, started when the library loads, spin in sched_yield for
// a while before they sleep; a process that keeps OpenBLAS to one thread stops them.
void blas_thread_shutdown_(void);
#endif
