#ifndef RECON_CSUPPORT_H
#define RECON_CSUPPORT_H
// Small C helpers Swift can't express: compiler builtins and headers the Glibc module lacks.

#include <stdlib.h>  // first: it defines __GLIBC__ for the test below
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

/// A hint to start loading the cache line at `address`; Swift has no prefetch of its own.
/// The matching engine's lookups use it to overlap their cache misses.
static inline void recon_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Bit k set when byte k of the 64 at `p` is `a`, `b`, `c` or `d` (all 64 must be readable).
/// Swift's SIMD types have no movemask; this is SSE2 (every x86-64) or a plain loop elsewhere.
/// The CSV tokenizer finds a row's delimiters, quotes and line ends with it.
static inline uint64_t recon_match64(const uint8_t *p, uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
#ifdef __SSE2__
    const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
    const __m128i vc = _mm_set1_epi8((char)c), vd = _mm_set1_epi8((char)d);
    uint64_t mask = 0;
    for (int k = 0; k < 4; k++) {
        const __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        const __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
            _mm_or_si128(_mm_cmpeq_epi8(x, vc), _mm_cmpeq_epi8(x, vd)));
        mask |= (uint64_t)(uint16_t)_mm_movemask_epi8(hit) << (16 * k);
    }
    return mask;
#else
    uint64_t mask = 0;
    for (int k = 0; k < 64; k++) {
        const uint8_t x = p[k];
        mask |= (uint64_t)(x == a || x == b || x == c || x == d) << k;
    }
    return mask;
#endif
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
