// EvalResult: what scoring a net on a labelled set gives (loss, accuracy, confusion matrix).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace trainctl {

constexpr std::size_t kNumClasses = 10;

struct EvalResult {
    double loss = 0;  // mean over all samples
    double acc = 0;
    std::size_t count = 0;
    // confusion[truth][prediction]
    std::array<std::array<std::uint64_t, kNumClasses>, kNumClasses> confusion{};
    // What loss and acc are computed from: sums a sharded evaluation adds up exactly over shards.
    double loss_sum = 0;  // per batch, its float mean loss times its size, in double
    std::uint64_t correct = 0;
};

// loss and acc from the sums and count.
inline void finish_eval(EvalResult& r) {
    r.loss = r.count ? r.loss_sum / static_cast<double>(r.count) : 0;
    r.acc = r.count ? static_cast<double>(r.correct) / static_cast<double>(r.count) : 0;
}

}  // namespace trainctl
