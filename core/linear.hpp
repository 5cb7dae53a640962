// Linear: y = x W^T + b, x [N,in] -> y [N,out]; W is [out,in] as in PyTorch.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/aligned_allocator.hpp"
#include "core/layer.hpp"
#include "core/tensor.hpp"

namespace trainctl {

// Parameters: "<name>.weight" [out,in] and, with bias, "<name>.bias" [out].
class Linear : public Layer {
public:
    // in_sample is [in] (rank 1: put a Flatten before it).
    Linear(ParamSet& params, std::string name, const Shape& in_sample, std::size_t out_features, bool bias = true);

    const char* kind() const override { return "linear"; }
    Shape out_sample() const override { return {out_features_}; }
    void reserve(std::size_t batch) override;
    const Tensor& forward(const Tensor& x) override;
    const Tensor& infer_output(const Tensor& x) override;
    void infer_rows(const Tensor& x, Range rows, std::size_t worker) override;
    const Tensor& backward(const Tensor& dy) override;
    void init_params(ParamSet& params, Rng& rng, const InitSpec& init) override;
    void describe(nlohmann::json& out) const override;
    // Whether backward() splits the weight grad by batch rows (partial sums per chunk, then
    // added in chunk order), as chosen at reserve(): see grads_by_batch_.
    bool grads_by_batch() const { return grads_by_batch_; }

private:
    // y[rows, cols] of x's rows: one block of forward's output.
    void forward_block(const Tensor& x, Range rows, Range cols);
    void backward_by_batch(const Tensor& dy);
    void backward_by_outputs(const Tensor& dy);

    ParamSet& params_;
    std::size_t in_features_;
    std::size_t out_features_;
    bool bias_;
    std::size_t weight_id_;
    std::size_t bias_id_ = 0;  // valid when bias_
    // Work is split across chunks_ (the engine thread count at reserve()), so no chunk sums into
    // another's memory: the weight grad by output rows; forward and dx by the columns of their
    // result when each chunk gets kMinColumns or more of them, else by batch rows. A column split
    // has each thread read half the weights instead of all (the MLP's step 8% faster); either
    // way an output float is one sum in the same order, so the split never changes results.
    static constexpr std::size_t kMinColumns = 64;
    bool split_columns(std::size_t cols) const {
        return chunks_ > 1 && !grads_by_batch_ && cols / chunks_ >= kMinColumns;
    }
    // With more than one chunk, whatever a thread reads that another wrote crosses between
    // cores, twice: once to read it, once more when its writer next writes it (the reader's copy
    // must be invalidated). The weight grad by output rows reads the whole batch's x and dy; by
    // batch rows, each chunk reads only its own rows, and the chunks' partial grads, the size of
    // W, are summed afterwards. The smaller of the two is chosen at reserve(): by batch rows when
    // the batch's x and dy hold more floats than W (LeNet's fc layers at batch 256: fc2's forward,
    // which rewrote the lines both threads had read, took as long on 2 threads as on 1). Then
    // forward and dx split by batch rows too, so every layer's rows stay with one thread.
    bool grads_by_batch_ = false;
    // By batch: chunk c's [out][in] weight grad, then its [out] bias grad, each chunk's on lines
    // of its own (a line two threads write bounces between their cores).
    std::vector<float, CacheAlignedAllocator<float>> partials_;
    std::size_t partial_stride() const {
        return round_up_to_line(out_features_ * in_features_ + out_features_, sizeof(float));
    }
    std::size_t chunks_ = 1;
    const Tensor* x_ = nullptr;
    Tensor y_;
    Tensor dx_;
};

}  // namespace trainctl
