#ifndef RECON_CZLIB_SHIM_H
#define RECON_CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit2 is a macro (it passes the version and struct size); Swift can't import it.
static inline int recon_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
