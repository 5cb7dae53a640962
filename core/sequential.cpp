// Sequential forward/backward chaining.
#include "core/sequential.hpp"

#include <algorithm>

#include "core/conv2d.hpp"
#include "core/maxpool2d.hpp"
#include "core/memory.hpp"
#include "core/parallel.hpp"
#include "core/relu.hpp"
#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace trainctl {

void Sequential::finalize() {
    params_.allocate();
    // conv -> relu: the conv applies the ReLU as it writes its output and as it reads dy back
    // (measured: LeNet5's forward at batch 256 about 5% faster on 1 thread; and one activation
    // buffer less).
    for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
        auto* conv = dynamic_cast<Conv2d*>(layers_[i].get());
        auto* relu = dynamic_cast<ReLU*>(layers_[i + 1].get());
        if (conv && relu) {
            conv->fuse_relu();
            relu->set_input_rectified();
        }
        // conv [-> relu] -> 2x2/2 pool: in inference the conv pools too (Conv2d::fuse_pool2x2_in_infer;
        // measured: LeNet5's inference 1.14-1.30x faster at batch 256 and 1000, 2 threads).
        const std::size_t next = i + (conv && relu ? 2 : 1);
        auto* pool = next < layers_.size() ? dynamic_cast<MaxPool2d*>(layers_[next].get()) : nullptr;
        if (conv && pool && pool->pools_2x2() && conv->fuse_pool2x2_in_infer()) pool->set_input_pooled_in_infer();
    }
    infer_inputs_.assign(layers_.size(), nullptr);
    if (first_trainable_ == kNone) first_trainable_ = 0;
    if (!layers_.empty()) layers_[first_trainable_]->set_input_grad(false);
}

void Sequential::init_params(std::uint64_t seed, const InitSpec& init) {
    Rng rng(seed, kStreamInit);
    for (auto& layer : layers_) layer->init_params(params_, rng, init);
}

void Sequential::reserve(std::size_t batch) {
    // Each layer keeps at least its output and its input's gradient for the whole batch: a
    // floor on what the loop below allocates, checked first so a huge batch fails in one line.
    threads_ = reserve_threads();  // first: the check below then sees the threads' stacks in use
    require_memory(batch * activation_bytes_per_sample(),
                   "the activations of a batch of " + std::to_string(batch) + " (batch_size)");
    for (auto& layer : layers_) layer->reserve(batch);
    reserved_ = batch;
}

std::uint64_t Sequential::activation_bytes_per_sample() const {
    std::uint64_t floats = 0;
    for (const auto& layer : layers_) floats += layer->in_sample().numel() + layer->out_sample().numel();
    return floats * sizeof(float);
}

const Tensor& Sequential::forward(const Tensor& x) {
    const Tensor* cur = &x;
    for (auto& layer : layers_) cur = &layer->forward(*cur);
    return *cur;
}

const Tensor& Sequential::infer(const Tensor& x) {
    const Tensor* cur = &x;
    for (std::size_t l = 0; l < layers_.size(); ++l) {
        infer_inputs_[l] = cur;
        cur = &layers_[l]->infer_output(*cur);
    }
    const std::size_t n = x.shape()[0];
    const std::size_t chunks = std::min(batch_chunks(n, threads_), std::max<std::size_t>(1, n));
    // Steal::any: no later loop reads these rows on these threads (the loss reads the logits on one).
    parallel_for_workers(
        chunks,
        [&](std::size_t chunk, std::size_t worker) {
            const Range rows = chunk_range(n, chunks, chunk);
            for (std::size_t l = 0; l < layers_.size(); ++l) layers_[l]->infer_rows(*infer_inputs_[l], rows, worker);
        },
        Steal::any);
    return *cur;
}

void Sequential::backward(const Tensor& dy) {
    // Layers before the first trainable one would only compute gradients nobody reads.
    const Tensor* cur = &dy;
    for (std::size_t i = layers_.size(); i-- > first_trainable_;) cur = &layers_[i]->backward(*cur);
}

}  // namespace trainctl
