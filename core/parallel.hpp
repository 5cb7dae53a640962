// Engine threads for the layers' loops. Work is split into a fixed number of chunks chosen at
// reserve(), so results depend on that count, never on scheduling.
#pragma once
#include <cstddef>
#include <type_traits>

namespace trainctl {

// Below this many floats of elementwise work, one thread is quicker than waking another.
constexpr std::size_t kMinParallelFloats = 16384;

// The chunk count for `floats` of elementwise work: `chunks`, or 1 when too small to split.
inline std::size_t chunks_for(std::size_t floats, std::size_t chunks) {
    return floats < kMinParallelFloats ? 1 : chunks;
}

// Chunk c of [0, n) split into `chunks` contiguous ranges of near-equal size.
struct Range {
    std::size_t begin;
    std::size_t end;
};
inline Range chunk_range(std::size_t n, std::size_t chunks, std::size_t c) {
    return {n * c / chunks, n * (c + 1) / chunks};
}

// Starts the engine threads for num_threads() (if not running at that count) and returns the
// count. Layers call it from reserve(), the one place allowed to allocate, and split their
// work into that many chunks.
std::size_t reserve_threads();

// Runs fn(ctx, c) for every c in [0, chunks) on the threads started by reserve_threads() (the
// caller is one of them) and returns when all are done. Never allocates. fn must not throw;
// calls come from one thread at a time and never nest.
void parallel_run(std::size_t chunks, void (*fn)(void* ctx, std::size_t chunk), void* ctx);

// parallel_run for a callable: fn(c) for every chunk c.
template <class F>
void parallel_for(std::size_t chunks, F&& fn) {
    if (chunks == 1) {
        fn(std::size_t{0});
        return;
    }
    using Fn = std::remove_reference_t<F>;
    parallel_run(chunks, [](void* ctx, std::size_t c) { (*static_cast<Fn*>(ctx))(c); }, &fn);
}

// The engine threads running now (1 before reserve_threads() has started any).
std::size_t running_threads();

// parallel_for over the chunks of [0, n): fn(chunk_range(n, chunks, c)) for every c.
template <class F>
void parallel_ranges(std::size_t n, std::size_t chunks, F&& fn) {
    parallel_for(chunks, [&](std::size_t c) { fn(chunk_range(n, chunks, c)); });
}

}  // namespace trainctl
