// Names what a file is when it is not a checkpoint, from its first bytes, so `--ckpt model.onnx`
// says "an ONNX model" instead of quoting an absurd header length.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace trainctl {

// "an ONNX model (what `trainctl export --format onnx` writes); eval, infer and export need the .ckpt
// it came from", or the like for PNG, gzip, zip (PyTorch .pt), IDX and PGM files; "" when unknown.
std::string foreign_file_kind(const std::uint8_t* head, std::size_t size);

}  // namespace trainctl
