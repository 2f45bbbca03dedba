#ifndef ARRAKIS_CSQLITE_SHIM_H
#define ARRAKIS_CSQLITE_SHIM_H
#include <sqlite3.h>

/// sqlite3_db_config is variadic, which Swift cannot call: this sets one on/off option.
static inline int arrakis_sqlite3_db_config_flag(sqlite3 *db, int op, int on) {
    return sqlite3_db_config(db, op, on, (int *)0);
}
#endif
