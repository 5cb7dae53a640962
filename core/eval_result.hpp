// EvalResult: what scoring a net on a labelled set gives (loss, accuracy, confusion matrix).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace trainctl {

// counts[truth * classes + prediction]: as many classes as the net has outputs.
struct ConfusionMatrix {
    std::size_t classes = 0;
    std::vector<std::uint64_t> counts;
    ConfusionMatrix() = default;
    explicit ConfusionMatrix(std::size_t k) : classes(k), counts(k * k, 0) {}
    std::uint64_t& at(std::size_t truth, std::size_t prediction) { return counts[truth * classes + prediction]; }
    std::uint64_t at(std::size_t truth, std::size_t prediction) const { return counts[truth * classes + prediction]; }
};

struct EvalResult {
    double loss = 0;  // mean over all samples
    double acc = 0;
    std::size_t count = 0;
    ConfusionMatrix confusion;
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
