// Sequential: layers applied in order, their parameters in one ParamSet arena.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>
#include <nlohmann/json_fwd.hpp>

#include "core/layer.hpp"
#include "core/params.hpp"

namespace trainctl {

class Sequential {
public:
    explicit Sequential(const Shape& in_sample) : in_sample_(in_sample) {}

    // Constructs L(params, name, <current output shape>, args...) for layers with parameters.
    template <class L, class... Args>
    L& add_with_params(const std::string& name, Args&&... args) {
        auto layer = std::make_unique<L>(params_, name, out_sample(), std::forward<Args>(args)...);
        L& ref = *layer;
        if (first_trainable_ == kNone) first_trainable_ = layers_.size();
        layers_.push_back(std::move(layer));
        return ref;
    }
    // Constructs L(name, <current output shape>, args...) for parameter-free layers.
    template <class L, class... Args>
    L& add(const std::string& name, Args&&... args) {
        auto layer = std::make_unique<L>(name, out_sample(), std::forward<Args>(args)...);
        L& ref = *layer;
        layers_.push_back(std::move(layer));
        return ref;
    }

    // After the last add(): allocates the arenas. Backward stops at the first layer with
    // parameters, which skips its input gradient: nothing before it has anything to learn.
    void finalize();
    // Draws every parameter from the run seed (stream kStreamInit), layer by layer.
    void init_params(std::uint64_t seed, const InitSpec& init);
    void reserve(std::size_t batch);
    // What reserve() allocates at least per sample: each layer's output and input gradient.
    std::uint64_t activation_bytes_per_sample() const;
    std::size_t reserved_batch() const { return reserved_; }

    const Tensor& forward(const Tensor& x);
    // The same output as forward(), keeping nothing for backward (Layer::infer). One job a
    // batch: each chunk of rows goes through every layer on one engine thread (one hand-off
    // instead of one a layer, and each layer reads rows its own thread just wrote).
    const Tensor& infer(const Tensor& x);
    // Back-propagates d(loss)/d(output); parameter gradients are added into the grad arena.
    void backward(const Tensor& dy);

    Shape in_sample() const { return in_sample_; }
    Shape out_sample() const { return layers_.empty() ? in_sample_ : layers_.back()->out_sample(); }
    ParamSet& params() { return params_; }
    const ParamSet& params() const { return params_; }
    const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }
    // {"input":[1,32,32],"layers":[{...},...]} for the graph .meta file and export.
    void describe(nlohmann::json& out) const;

private:
    Shape in_sample_;
    ParamSet params_;
    std::vector<std::unique_ptr<Layer>> layers_;
    std::size_t reserved_ = 0;
    std::size_t threads_ = 1;                // engine threads at reserve()
    std::vector<const Tensor*> infer_inputs_;  // infer(): each layer's input for this batch
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t first_trainable_ = kNone;  // index of the first layer with parameters
};

}  // namespace trainctl
