// Every layer's describe(), in one place: the layers' own files stay free of the json header.
#include <nlohmann/json.hpp>
#include <vector>

#include "core/conv2d.hpp"
#include "core/flatten.hpp"
#include "core/linear.hpp"
#include "core/maxpool2d.hpp"
#include "core/relu.hpp"
#include "core/sequential.hpp"

namespace trainctl {

namespace {
std::vector<std::size_t> dims(const Shape& s) {
    std::vector<std::size_t> d;
    for (std::size_t i = 0; i < s.rank(); ++i) d.push_back(s[i]);
    return d;
}

// The fields every layer description shares: {"type":kind(),"name":..,"in":[..],"out":[..]}.
void describe_common(const Layer& layer, nlohmann::json& out) {
    out["type"] = layer.kind();
    out["name"] = layer.name();
    out["in"] = dims(layer.in_sample());
    out["out"] = dims(layer.out_sample());
}
}  // namespace

void ReLU::describe(nlohmann::json& out) const { describe_common(*this, out); }

void Flatten::describe(nlohmann::json& out) const { describe_common(*this, out); }

void MaxPool2d::describe(nlohmann::json& out) const {
    describe_common(*this, out);
    out["kernel"] = kernel_;
    out["stride"] = stride_;
}

void Conv2d::describe(nlohmann::json& out) const {
    describe_common(*this, out);
    out["in_channels"] = geo_.channels;
    out["out_channels"] = opt_.out_channels;
    out["kernel"] = opt_.kernel;
    out["stride"] = opt_.stride;
    out["padding"] = opt_.padding;
    out["bias"] = opt_.bias;
}

void Linear::describe(nlohmann::json& out) const {
    describe_common(*this, out);
    out["in_features"] = in_features_;
    out["out_features"] = out_features_;
    out["bias"] = bias_;
}

void Sequential::describe(nlohmann::json& out) const {
    std::vector<std::size_t> in;
    for (std::size_t i = 0; i < in_sample_.rank(); ++i) in.push_back(in_sample_[i]);
    out["input"] = in;
    out["layers"] = nlohmann::json::array();
    for (const auto& layer : layers_) {
        nlohmann::json l;
        layer->describe(l);
        out["layers"].push_back(l);
    }
}

}  // namespace trainctl
