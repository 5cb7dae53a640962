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
};

}  // namespace trainctl
