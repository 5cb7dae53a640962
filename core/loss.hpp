// Softmax cross-entropy over logits [N,K] with integer labels, mean over the batch.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"

namespace trainctl {

class SoftmaxCrossEntropy {
public:
    // The only allocation: buffers for up to `batch` rows of `classes` logits.
    void reserve(std::size_t batch, std::size_t classes);
    // Mean loss over the N rows of logits (log-sum-exp stable, computed in double per row).
    // Keeps the softmax probabilities for backward() and counts argmax hits.
    float forward(const Tensor& logits, const std::uint8_t* labels);
    // d(mean loss)/d(logits) = (softmax - onehot) / N, shape [N,K].
    const Tensor& backward();
    // The same over `divisor` rows: a data-parallel shard scales by the global batch, so the sum of
    // the shards' gradients is the whole batch's.
    const Tensor& backward(std::size_t divisor);
    std::size_t correct() const { return correct_; }        // argmax == label, last forward
    const Tensor& probabilities() const { return probs_; }  // softmax rows, last forward

private:
    Tensor probs_;
    Tensor dlogits_;
    const std::uint8_t* labels_ = nullptr;
    std::size_t correct_ = 0;
};

}  // namespace trainctl
