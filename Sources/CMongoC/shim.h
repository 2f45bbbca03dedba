#ifndef ARRAKIS_CMONGOC_SHIM_H
#define ARRAKIS_CMONGOC_SHIM_H
#include <mongoc/mongoc.h>
#endif
