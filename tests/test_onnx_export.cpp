// ONNX export without MNIST: graph shape, node attributes and initializer bytes of each net variant.
#include <catch2/catch.hpp>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cmd/onnx_export.hpp"
#include "nets/nets.hpp"

using namespace trainctl;

namespace {

onnx::ModelProto export_parsed(const Sequential& net, const OnnxExportOptions& opt) {
    onnx::ModelProto model;
    REQUIRE(model.ParseFromString(onnx_model_bytes(net, opt, "test")));
    return model;
}

std::vector<std::string> op_types(const onnx::GraphProto& g) {
    std::vector<std::string> ops;
    for (const auto& n : g.node()) ops.push_back(n.op_type());
    return ops;
}

const onnx::AttributeProto* attribute(const onnx::NodeProto& node, const std::string& name) {
    for (const auto& a : node.attribute())
        if (a.name() == name) return &a;
    return nullptr;
}

std::unique_ptr<Sequential> initialised_net(const NetSpec& spec, std::size_t size) {
    InputSpec input;
    input.size = size;
    auto net = build_net(spec, input);
    net->init_params(/*seed=*/7, InitSpec{});
    return net;
}

}  // namespace

TEST_CASE("lenet5 without conv bias exports Conv/MaxPool/Gemm with a dynamic batch", "[cmd]") {
    NetSpec spec;  // MindSpore's variant: no conv bias, no fc ReLUs
    const auto net = initialised_net(spec, 32);
    const auto model = export_parsed(*net, OnnxExportOptions{});
    const auto& g = model.graph();

    CHECK(model.producer_name() == "trainctl");
    REQUIRE(model.opset_import_size() == 1);
    CHECK(model.opset_import(0).version() == kOnnxOpsetDefault);
    CHECK(op_types(g) == std::vector<std::string>{"Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten",
                                                  "Gemm", "Gemm", "Gemm"});
    REQUIRE(g.input_size() == 1);
    const auto& in_dims = g.input(0).type().tensor_type().shape().dim();
    REQUIRE(in_dims.size() == 4);
    CHECK(g.input(0).name() == "input");
    CHECK(in_dims[0].dim_param() == "N");
    CHECK(in_dims[3].dim_value() == 32);
    CHECK(g.output(0).name() == "logits");
    CHECK(g.output(0).type().tensor_type().shape().dim(1).dim_value() == 10);
    CHECK(g.node(g.node_size() - 1).output(0) == "logits");

    const auto& conv1 = g.node(0);
    CHECK(conv1.input_size() == 2);  // no bias input
    CHECK(conv1.input(1) == "conv1.weight");
    CHECK(attribute(conv1, "kernel_shape")->ints(0) == 5);
    CHECK(attribute(g.node(7), "transB")->i() == 1);
}

TEST_CASE("initializers carry each parameter's name, shape and exact bytes", "[cmd]") {
    NetSpec spec;
    spec.conv_bias = true;
    spec.fc_relu = true;
    spec.conv_padding = 2;
    const auto net = initialised_net(spec, 28);
    const auto model = export_parsed(*net, OnnxExportOptions{/*batch=*/5, /*opset=*/13, "{}", /*class_names_meta=*/""});
    const auto& g = model.graph();

    CHECK(g.input(0).type().tensor_type().shape().dim(0).dim_value() == 5);
    CHECK(g.node(0).input(2) == "conv1.bias");
    CHECK(attribute(g.node(0), "pads")->ints(0) == 2);
    const auto& infos = net->params().infos();
    REQUIRE(g.initializer_size() == static_cast<int>(infos.size()));
    for (std::size_t i = 0; i < infos.size(); ++i) {
        const auto& t = g.initializer(static_cast<int>(i));
        CAPTURE(infos[i].name);
        CHECK(t.name() == infos[i].name);
        REQUIRE(t.dims_size() == static_cast<int>(infos[i].shape.rank()));
        CHECK(t.raw_data().size() == infos[i].size * sizeof(float));
        CHECK(std::memcmp(t.raw_data().data(), net->params().values() + infos[i].offset, t.raw_data().size()) == 0);
    }
}

TEST_CASE("the Paddle LeNet (conv2_relu false) pools conv2's output with no Relu between", "[cmd]") {
    NetSpec spec;
    spec.conv_bias = true;
    spec.fc_relu = true;
    spec.conv_padding = 2;
    spec.conv2_relu = false;
    const auto net = initialised_net(spec, 28);
    const auto model = export_parsed(*net, OnnxExportOptions{/*batch=*/0, /*opset=*/13, "{}", /*class_names_meta=*/""});
    std::vector<std::string> ops;
    for (const auto& node : model.graph().node()) ops.push_back(node.op_type());
    CHECK(ops == std::vector<std::string>{"Conv", "Relu", "MaxPool", "Conv", "MaxPool", "Flatten", "Gemm", "Relu",
                                          "Gemm", "Relu", "Gemm"});
}

TEST_CASE("an mlp with any hidden sizes exports Flatten then Gemm/Relu pairs", "[cmd]") {
    NetSpec spec;
    spec.type = "mlp";
    spec.hidden = {7, 3};
    const auto net = initialised_net(spec, 12);
    const auto model = export_parsed(*net, OnnxExportOptions{});
    CHECK(op_types(model.graph()) == std::vector<std::string>{"Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm"});
    CHECK(model.graph().initializer(2).name() == "fc2.weight");
    CHECK(model.graph().initializer(2).dims(1) == 7);
}
