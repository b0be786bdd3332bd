#ifndef RECON_CSUPPORT_H
#define RECON_CSUPPORT_H
// Small C helpers Swift can't express: compiler builtins and headers the Glibc module lacks.

#include <stdlib.h>  // first: it defines __GLIBC__ for the test below
#ifdef __GLIBC__
#include <malloc.h>
#endif

/// A hint to start loading the cache line at `address`; Swift has no prefetch of its own.
/// The matching engine's lookups use it to overlap their cache misses.
static inline void recon_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Asks glibc to keep freed heap memory for reuse instead of handing it back to the kernel.
///
/// A run frees and allocates blocks of megabytes (reader buffers, record chunks, lookup
/// results); each block trimmed back to the kernel is faulted in and zeroed again page by
/// page when the heap grows next. Measured at 1M payments: same time as raising the mmap
/// threshold as well, and the lowest peak memory of the settings tried (516 MB against
/// 528 MB with glibc's defaults and 540-570 MB with a 32 MB mmap threshold).
static inline void recon_keep_freed_memory(void) {
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
#endif
}
#endif
