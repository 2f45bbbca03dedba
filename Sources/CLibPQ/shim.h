#ifndef ARRAKIS_CLIBPQ_SHIM_H
#define ARRAKIS_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
