// Scoring a net on a labelled set: mean loss, accuracy and the confusion matrix.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/data/batch.hpp"
#include "core/data/idx.hpp"
#include "core/eval_result.hpp"
#include "core/loss.hpp"
#include "core/sequential.hpp"

namespace trainctl {

// Reusable evaluation buffers; the net must be reserved for at least batch_size and have
// `classes` outputs (every label below it: the loss refuses others).
class Evaluator {
public:
    Evaluator(const InputSpec& input, std::size_t src_rows, std::size_t src_cols, std::size_t batch_size,
              std::size_t classes);
    // All of data (no drop_remainder), in order; limit > 0 scores only the first `limit` samples.
    // shards > 1: only shard `shard` of its batches (contiguous; the sums of all shards are the
    // whole set's, see reduce_eval in core/grad_reduce.hpp).
    EvalResult run(Sequential& net, const LabeledImages& data, std::size_t limit = 0, std::size_t shard = 0,
                   std::size_t shards = 1);

private:
    BatchMaker batches_;
    SoftmaxCrossEntropy loss_;
    std::vector<std::uint32_t> indices_;
    std::vector<std::uint8_t> labels_;
    std::size_t batch_size_;
    std::size_t classes_;
};

}  // namespace trainctl
