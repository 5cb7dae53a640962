// Evaluation loop: batches in dataset order, loss summed in double.
#include "core/evaluate.hpp"
#include "core/tensor.hpp"

#include <algorithm>
#include <numeric>

namespace trainctl {

Evaluator::Evaluator(const InputSpec& input, std::size_t src_rows, std::size_t src_cols, std::size_t batch_size,
                     std::size_t classes)
    : batches_(input, src_rows, src_cols), indices_(batch_size), labels_(batch_size), batch_size_(batch_size),
      classes_(classes) {
    batches_.reserve(batch_size);
    loss_.reserve(batch_size, classes);
}

EvalResult Evaluator::run(Sequential& net, const LabeledImages& data, std::size_t limit, std::size_t shard,
                          std::size_t shards) {
    EvalResult r;
    r.confusion = ConfusionMatrix(classes_);
    const std::size_t total = limit ? std::min(limit, data.count) : data.count;
    // Whole batches per shard, so each batch's mean loss is the one a single process computes.
    const std::size_t batches = (total + batch_size_ - 1) / batch_size_;
    const std::size_t first = std::min(total, batches * shard / shards * batch_size_);
    const std::size_t end = std::min(total, batches * (shard + 1) / shards * batch_size_);
    double loss_sum = 0;
    std::size_t correct = 0;
    for (std::size_t start = first; start < end; start += batch_size_) {
        const std::size_t n = std::min(batch_size_, end - start);
        std::iota(indices_.begin(), indices_.begin() + static_cast<long>(n), static_cast<std::uint32_t>(start));
        batches_.make(data, indices_.data(), n, labels_.data());
        const Tensor& logits = net.infer(batches_.batch());
        loss_sum += static_cast<double>(loss_.forward(logits, labels_.data())) * static_cast<double>(n);
        correct += loss_.correct();
        const Tensor& probs = loss_.probabilities();
        for (std::size_t i = 0; i < n; ++i) {
            const float* row = probs.data() + i * classes_;
            auto pred = static_cast<std::size_t>(std::max_element(row, row + classes_) - row);
            ++r.confusion.at(labels_[i], pred);
        }
    }
    r.count = end - first;
    r.loss_sum = loss_sum;
    r.correct = correct;
    finish_eval(r);
    return r;
}

}  // namespace trainctl
