#ifndef RECON_CZLIB_SHIM_H
#define RECON_CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit2 is a macro (it passes the version and struct size); Swift can't import it.
static inline int recon_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

/// deflateInit2 is a macro too: gzip framing (windowBits 15 + 16), the given level.
static inline int recon_deflateInit2(z_streamp strm, int level) {
    return deflateInit2(strm, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
