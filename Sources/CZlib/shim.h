#ifndef ARRAKIS_CZLIB_SHIM_H
#define ARRAKIS_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro (it passes ZLIB_VERSION and sizeof(z_stream)), which Swift cannot
   call; this wrapper can be. windowBits 15 + 16: a gzip wrapper only, with its CRC-32 checked. */
static inline int arrakis_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
#endif
