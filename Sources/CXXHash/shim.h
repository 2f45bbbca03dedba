#ifndef ARRAKIS_CXXHASH_SHIM_H
#define ARRAKIS_CXXHASH_SHIM_H
#include <xxhash.h>

/* Asks the CPU to start loading the cache line at `p` (a hint: never faults). Swift has no
   prefetch of its own; the engine uses it to overlap the cache misses of hash-table lookups
   it knows it will make (RecordIndex.prefetch). */
static inline void arrakis_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }
#endif
