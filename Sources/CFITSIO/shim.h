#ifndef ARRAKIS_CFITSIO_SHIM_H
#define ARRAKIS_CFITSIO_SHIM_H
#include <fitsio.h>

/* Value formatting cfitsio uses for its own cards (exported by libcfitsio, declared only in
   its internal fitsio2.h): integer, double (decimals < 0: %G) and quoted string values. */
int ffi2c(LONGLONG ival, char *cval, int *status);
int ffd2e(double dval, int decim, char *cval, int *status);
int ffs2c(const char *instr, char *outstr, int *status);
#endif
