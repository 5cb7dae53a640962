// Thread-count control: one knob for OpenBLAS and the engine.
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
    openblas_set_num_threads(threads);
}

int num_threads() { return g_threads; }

}  // namespace trainctl
