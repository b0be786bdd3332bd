#ifndef RECON_CSQLITE_SHIM_H
#define RECON_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import:
/// binding text with it makes SQLite copy the bytes before the call returns.
static inline int recon_sqlite_bind_text(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

/// SQLITE_STATIC (a null destructor) for text that stays put until the statement has run: no
/// copy. The caller keeps the bytes alive and unchanged through `sqlite3_step`.
static inline int recon_sqlite_bind_text_static(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_STATIC);
}

static inline int recon_sqlite_bind_blob(sqlite3_stmt *statement, int index, const void *bytes, int length) {
    if (length == 0) return sqlite3_bind_zeroblob(statement, index, 0);  /* NULL pointer would bind NULL */
    return sqlite3_bind_blob(statement, index, bytes, length, SQLITE_TRANSIENT);
}
/// sqlite3_config is variadic, which Swift cannot call. Memory statistics cost a global mutex
/// on every allocation SQLite makes (two per bound text); recon never reads them. Must run
/// before the first connection opens; later calls return SQLITE_MISUSE and change nothing.
static inline int recon_sqlite_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
