// Softmax cross-entropy: per row, log-sum-exp around the row max in double, so logits of
// 1000 neither overflow exp() nor lose the small terms.
#include "core/loss.hpp"

#include <cmath>

#include "core/error.hpp"

namespace trainctl {

void SoftmaxCrossEntropy::reserve(std::size_t batch, std::size_t classes) {
    probs_.reserve(batch * classes);
    dlogits_.reserve(batch * classes);
}

float SoftmaxCrossEntropy::forward(const Tensor& logits, const std::uint8_t* labels) {
    const std::size_t n = logits.shape()[0], k = logits.shape()[1];
    probs_.set_shape(logits.shape());
    labels_ = labels;
    correct_ = 0;
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const float* z = logits.data() + i * k;
        float* p = probs_.data() + i * k;
        if (labels[i] >= k)
            throw Error("label " + std::to_string(labels[i]) + " of batch row " + std::to_string(i) +
                        " is out of range for " + std::to_string(k) + " classes");
        std::size_t argmax = 0;
        for (std::size_t j = 1; j < k; ++j)
            if (z[j] > z[argmax]) argmax = j;  // strict: the first max wins, like torch.argmax
        const double zmax = z[argmax];
        double sum = 0;
        for (std::size_t j = 0; j < k; ++j) {
            const double e = std::exp(static_cast<double>(z[j]) - zmax);
            p[j] = static_cast<float>(e);
            sum += e;
        }
        const auto inv_sum = static_cast<float>(1.0 / sum);
        for (std::size_t j = 0; j < k; ++j) p[j] *= inv_sum;
        total += zmax + std::log(sum) - static_cast<double>(z[labels[i]]);
        if (argmax == labels[i]) ++correct_;
    }
    return n ? static_cast<float>(total / static_cast<double>(n)) : 0.0f;
}

const Tensor& SoftmaxCrossEntropy::backward() { return backward(probs_.shape()[0]); }

const Tensor& SoftmaxCrossEntropy::backward(std::size_t divisor) {
    const std::size_t n = probs_.shape()[0], k = probs_.shape()[1];
    dlogits_.set_shape(probs_.shape());
    const float scale = 1.0f / static_cast<float>(divisor);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j)
            dlogits_[i * k + j] = (probs_[i * k + j] - (j == labels_[i] ? 1.0f : 0.0f)) * scale;
    return dlogits_;
}

}  // namespace trainctl
