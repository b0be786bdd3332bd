#ifndef RECON_CPREFETCH_H
#define RECON_CPREFETCH_H

/// A hint to start loading the cache line at `address`; Swift has no prefetch of its own.
/// The matching engine's lookups use it to overlap their cache misses.
static inline void recon_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#endif
