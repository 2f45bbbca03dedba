#ifndef ARRAKIS_CXXHASH_SHIM_H
#define ARRAKIS_CXXHASH_SHIM_H
#include <xxhash.h>
#endif
