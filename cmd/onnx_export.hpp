// Translating a trainctl net (its layer descriptions and parameters) into an ONNX model.
// Kept apart from cmd/export.cpp so protobuf and libonnx headers stay in one file.
#pragma once
#include <cstdint>
#include <string>

#include "core/sequential.hpp"

namespace trainctl {

constexpr int kOnnxOpsetDefault = 13;
// Gemm's bias (input C) became optional in opset 11; older opsets could not express bias-free layers.
constexpr int kOnnxOpsetMin = 11;
// The newest opset the linked libonnx knows.
int onnx_opset_max();

struct OnnxExportOptions {
    std::int64_t batch = 0;  // 0 = dynamic: the batch dimension is the symbol "N"
    int opset = kOnnxOpsetDefault;
    // The model description's "input" object as JSON text, stored as metadata: a runtime must
    // normalise its images the same way.
    std::string input_meta;
    // The class names in output order as a JSON array ("" when the run has none): stored as
    // "trainctl.class_names", the labels a runtime shows for each logit.
    std::string class_names_meta;
};

// The serialized ModelProto: input "input" [N,C,H,W], output "logits" [N,classes], one node per
// layer named like it, parameters as float initializers under their own names (conv1.weight),
// and metadata_props "trainctl.input" = {"size":..,"mean":..,"std":..} (x/(255*std) - mean/std),
// plus "trainctl.class_names" = ["T-shirt/top", ...] when the run named its classes.
// Passes onnx::checker::check_model before it is returned; Error names `source` otherwise.
std::string onnx_model_bytes(const Sequential& net, const OnnxExportOptions& opt, const std::string& source);

}  // namespace trainctl
