// <immintrin.h> for the SIMD kernels, with GCC 12's false alarm about it silenced: its AVX-512
// intrinsics (shuffles, reductions, masked loads, widening moves) start from
// _mm512_undefined_*() and warn that the value is uninitialized wherever they inline. Include it
// last: the pragmas hold from here to the end of the including file.
#pragma once
#include <immintrin.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
