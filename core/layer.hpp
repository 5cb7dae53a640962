// Layer: the interface every layer implements, and the contract they all keep.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <nlohmann/json_fwd.hpp>

#include "core/init_spec.hpp"
#include "core/parallel.hpp"
#include "core/shape.hpp"

namespace trainctl {

class ParamSet;  // core/params.hpp
class Rng;       // core/rng.hpp
class Tensor;    // core/tensor.hpp

// Contract (dlib style):
// - The constructor declares its parameters in the ParamSet ("<name>.weight", PyTorch layout)
//   and fixes the per-sample input shape (no batch dim), so output shapes are known up front.
// - reserve(batch) is the only place that allocates; forward/backward reuse those buffers for
//   any batch <= the reserved one.
// - forward(x) keeps a pointer to x: x must stay alive and unchanged until backward().
// - backward(dy) OVERWRITES dx and ADDS into the parameter gradients (ParamSet::zero_grad clears).
//   When set_input_grad(false) (first layer) dx is not computed and the returned tensor is empty.
class Layer {
public:
    virtual ~Layer() = default;
    virtual const char* kind() const = 0;       // "conv2d", "linear", ...
    const std::string& name() const { return name_; }
    const Shape& in_sample() const { return in_sample_; }
    virtual Shape out_sample() const = 0;       // per-sample output shape, e.g. [6,28,28]
    virtual void reserve(std::size_t batch) = 0;
    virtual const Tensor& forward(const Tensor& x) = 0;
    // forward() without what only backward() needs (evaluation, inference): the same output,
    // and no backward() may follow it.
    virtual const Tensor& infer(const Tensor& x) { return forward(x); }
    // infer() in two steps, for Sequential::infer's one job a batch: infer_output(x), from one
    // thread, shapes the output for x's batch (and prepares what the whole batch shares) and
    // returns it, or x itself when this layer passes it through; then infer_rows(x, rows, worker)
    // fills those rows of it from the same rows of x, on engine thread `worker` (below the thread
    // count at reserve(): it picks that thread's scratch). Any split of the batch gives the
    // floats infer() gives.
    virtual const Tensor& infer_output(const Tensor& x) = 0;
    virtual void infer_rows(const Tensor& x, Range rows, std::size_t worker) = 0;
    virtual const Tensor& backward(const Tensor& dy) = 0;
    virtual void init_params(ParamSet& /*params*/, Rng& /*rng*/, const InitSpec& /*init*/) {}
    // Layer description for the graph .meta file and ONNX export.
    virtual void describe(nlohmann::json& out) const = 0;
    void set_input_grad(bool needed) { input_grad_ = needed; }

protected:
    Layer(std::string name, const Shape& in_sample) : name_(std::move(name)), in_sample_(in_sample) {}
    std::string name_;
    Shape in_sample_;
    bool input_grad_ = true;
};

// Prepends the batch dimension to a per-sample shape: [C,H,W] -> [N,C,H,W].
inline Shape batched(std::size_t n, const Shape& sample) {
    Shape s;
    if (sample.rank() == 1) s = Shape{n, sample[0]};
    else if (sample.rank() == 2) s = Shape{n, sample[0], sample[1]};
    else s = Shape{n, sample[0], sample[1], sample[2]};
    return s;
}

}  // namespace trainctl
