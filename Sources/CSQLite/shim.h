#ifndef ARRAKIS_CSQLITE_SHIM_H
#define ARRAKIS_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
