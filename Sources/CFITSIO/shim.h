#ifndef ARRAKIS_CFITSIO_SHIM_H
#define ARRAKIS_CFITSIO_SHIM_H
#include <fitsio.h>
#endif
