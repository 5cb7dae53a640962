// Thread-count control: one knob for the engine threads (BLAS stays single-threaded under them).
#include "core/gemm.hpp"

#include <thread>

namespace trainctl {

namespace {
int g_threads = 1;  // set once by main before any work; read-only afterwards
}

void set_num_threads(int threads) {
    if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
    if (threads <= 0) threads = 1;
    g_threads = threads;
    // The layers split every batch across the engine's own threads and call gemm from each;
    // a threaded BLAS under them would oversubscribe the cores, so BLAS runs single-threaded.
    openblas_set_num_threads(1);
}

int num_threads() { return g_threads; }

}  // namespace trainctl
