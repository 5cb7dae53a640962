// Builds the ONNX graph layer by layer from Layer::describe() and checks it with libonnx's checker.
#include "cmd/onnx_export.hpp"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.hpp"
#include "core/params.hpp"

namespace trainctl {

using nlohmann::json;

namespace {

constexpr const char* kInputName = "input";
constexpr const char* kOutputName = "logits";
constexpr const char* kBatchSymbol = "N";

void add_ints(onnx::NodeProto& node, const char* name, const std::vector<std::int64_t>& values) {
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto v : values) a->add_ints(v);
}

void add_int(onnx::NodeProto& node, const char* name, std::int64_t value) {
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

// A float tensor value [batch, sample...]; batch 0 becomes the symbolic dimension.
void set_value_info(onnx::ValueInfoProto& v, const std::string& name, std::int64_t batch, const Shape& sample) {
    v.set_name(name);
    auto* t = v.mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = t->mutable_shape();
    auto* n = shape->add_dim();
    if (batch > 0) n->set_dim_value(batch);
    else n->set_dim_param(kBatchSymbol);
    for (std::size_t i = 0; i < sample.rank(); ++i) shape->add_dim()->set_dim_value(static_cast<std::int64_t>(sample[i]));
}

// raw_data is little-endian by the ONNX spec, as are our arenas on every platform we build for.
void add_initializer(onnx::GraphProto& graph, const ParamSet& params, const ParamInfo& p) {
    auto* t = graph.add_initializer();
    t->set_name(p.name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (std::size_t i = 0; i < p.shape.rank(); ++i) t->add_dims(static_cast<std::int64_t>(p.shape[i]));
    t->set_raw_data(std::string(reinterpret_cast<const char*>(params.values() + p.offset), p.size * sizeof(float)));
}

// Appends the node for one layer reading `in`; its parameters ("<name>.weight", "<name>.bias"
// when the description says bias) become extra inputs.
onnx::NodeProto& add_layer_node(onnx::GraphProto& graph, const json& d, const std::string& in, const std::string& source) {
    const std::string type = d.at("type"), name = d.at("name");
    auto& node = *graph.add_node();
    node.set_name(name);
    node.add_input(in);
    node.add_output(name);
    auto add_params = [&] {
        node.add_input(name + ".weight");
        if (d.at("bias").get<bool>()) node.add_input(name + ".bias");
    };
    if (type == "conv2d") {
        const std::int64_t k = d.at("kernel"), s = d.at("stride"), p = d.at("padding");
        node.set_op_type("Conv");
        add_params();
        add_ints(node, "kernel_shape", {k, k});
        add_ints(node, "strides", {s, s});
        add_ints(node, "pads", {p, p, p, p});
    } else if (type == "relu") {
        node.set_op_type("Relu");
    } else if (type == "maxpool2d") {
        const std::int64_t k = d.at("kernel"), s = d.at("stride");
        node.set_op_type("MaxPool");  // floor mode and no padding, as core/maxpool2d
        add_ints(node, "kernel_shape", {k, k});
        add_ints(node, "strides", {s, s});
    } else if (type == "flatten") {
        node.set_op_type("Flatten");  // [N,C,H,W] -> [N,C*H*W] in CHW order, as core/flatten
        add_int(node, "axis", 1);
    } else if (type == "linear") {
        node.set_op_type("Gemm");  // y = x W^T + b with W stored [out,in] as PyTorch
        add_params();
        add_int(node, "transB", 1);
    } else {
        throw Error(source + ": layer \"" + name + "\" has type \"" + type +
                    "\", expected one of conv2d relu maxpool2d flatten linear (no ONNX mapping)");
    }
    return node;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

int onnx_opset_max() {
    const auto& ranges = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
    return ranges.at(onnx::ONNX_DOMAIN).second;
}

std::string onnx_model_bytes(const Sequential& net, const OnnxExportOptions& opt, const std::string& source) {
    onnx::ModelProto model;
    model.set_ir_version(onnx::IR_VERSION);
    model.set_producer_name("trainctl");
    model.set_producer_version(TRAINCTL_VERSION);
    auto* prop = model.add_metadata_props();
    prop->set_key("trainctl.input");
    prop->set_value(opt.input_meta);
    if (!opt.class_names_meta.empty()) {
        auto* names = model.add_metadata_props();
        names->set_key("trainctl.class_names");
        names->set_value(opt.class_names_meta);
    }
    auto* opset = model.add_opset_import();
    opset->set_domain(onnx::ONNX_DOMAIN);
    opset->set_version(opt.opset);

    auto& graph = *model.mutable_graph();
    graph.set_name("trainctl");
    set_value_info(*graph.add_input(), kInputName, opt.batch, net.in_sample());
    set_value_info(*graph.add_output(), kOutputName, opt.batch, net.out_sample());
    for (const auto& p : net.params().infos()) add_initializer(graph, net.params(), p);

    std::string cur = kInputName;
    onnx::NodeProto* last = nullptr;
    for (const auto& layer : net.layers()) {
        json d;
        layer->describe(d);
        last = &add_layer_node(graph, d, cur, source);
        cur = last->output(0);
    }
    if (!last) throw Error(source + ": the net has no layers, nothing to export");
    last->set_output(0, kOutputName);

    try {
        onnx::checker::check_model(model);
    } catch (const std::exception& e) {
        throw Error(source + ": ONNX checker rejected the exported model: " + first_line(e.what()));
    }
    std::string bytes;
    if (!model.SerializeToString(&bytes)) throw Error(source + ": ONNX model could not be serialized");
    return bytes;
}

}  // namespace trainctl
