// Engine threads for the layers' loops. Work is split into a number of chunks fixed by the batch
// and the thread count, so results depend on those, never on scheduling.
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

// The chunks a batch of n images (rows) splits into on `threads` threads: one on one thread;
// else several a thread (at most kChunksPerThread, at least kMinRowsPerChunk images each), so
// a thread on a core the host slows down (measured: one vCPU at 0.6-0.75 of the other's speed for
// minutes while both work) hands its last chunks to the others instead of holding them all up.
// At least 16 images: batch 32 split 8 ways trained 4% slower on two equal cores.
constexpr std::size_t kChunksPerThread = 8;
constexpr std::size_t kMinRowsPerChunk = 16;
inline std::size_t batch_chunks(std::size_t n, std::size_t threads) {
    if (threads <= 1) return 1;
    const std::size_t by_rows = n / kMinRowsPerChunk;
    return by_rows < threads ? threads : by_rows < threads * kChunksPerThread ? by_rows : threads * kChunksPerThread;
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
// count. Layers call it from reserve(), the one place allowed to allocate, and keep that many
// scratch areas (one a thread).
std::size_t reserve_threads();

// Which of another thread's chunks a thread that has run out of its own may take (parallel_run).
// leave_last: all but the last one of a thread that has started its block; at equal speeds taking
// it only moves rows to the other core's cache, where the next loop over them (a training step's
// next layer) then fetches them back (LeNet5 training at batch 256: 1.4% faster than with `any`,
// 8 paired rounds). any: every one, for a job whose rows no later loop reads on these threads
// (Sequential::infer): when the host slows one vCPU (measured: to 0.6-0.75 of the other's speed
// for minutes), the other then ends the batch instead of waiting for that chunk (LeNet5
// inference at batch 256 in that state: 1.09x, 4 paired rounds; level at equal speeds).
enum class Steal { leave_last, any };

// Runs fn(ctx, c, worker) for every c in [0, chunks) on the threads started by reserve_threads()
// (the caller is worker 0) and returns when all are done; `worker` (below running_threads())
// names the thread running the chunk, for its scratch. Each thread first takes its own block of
// chunks (thread w: chunk_range(chunks, threads, w)) in order, so consecutive loops over the
// same rows find them in that thread's cache; then it takes the others' from their ends, as
// `steal` allows. Never allocates. fn must not throw; calls come from one thread at a time and never nest.
void parallel_run(std::size_t chunks, void (*fn)(void* ctx, std::size_t chunk, std::size_t worker), void* ctx,
                  Steal steal = Steal::leave_last);

// parallel_run for a callable: fn(c, worker) for every chunk c.
template <class F>
void parallel_for_workers(std::size_t chunks, F&& fn, Steal steal = Steal::leave_last) {
    if (chunks == 1) {
        fn(std::size_t{0}, std::size_t{0});
        return;
    }
    using Fn = std::remove_reference_t<F>;
    parallel_run(chunks, [](void* ctx, std::size_t c, std::size_t w) { (*static_cast<Fn*>(ctx))(c, w); }, &fn, steal);
}

// parallel_run for a callable that needs no scratch of its thread: fn(c) for every chunk c.
template <class F>
void parallel_for(std::size_t chunks, F&& fn) {
    parallel_for_workers(chunks, [&](std::size_t c, std::size_t /*worker*/) { fn(c); });
}

// The engine threads running now (1 before reserve_threads() has started any).
std::size_t running_threads();

// parallel_for over the chunks of [0, n): fn(chunk_range(n, chunks, c)) for every c.
template <class F>
void parallel_ranges(std::size_t n, std::size_t chunks, F&& fn) {
    parallel_for(chunks, [&](std::size_t c) { fn(chunk_range(n, chunks, c)); });
}

}  // namespace trainctl
