// Recognises the files people pass where a checkpoint belongs, by their magic bytes.
#include "ckpt_format/foreign_file.hpp"

#include <cstring>

namespace trainctl {

namespace {
bool starts(const std::uint8_t* head, std::size_t size, const char* magic, std::size_t n) {
    return size >= n && std::memcmp(head, magic, n) == 0;
}

// An ONNX ModelProto opens with field 1 (ir_version, a small varint: 0x08 NN) followed by another
// top-level field: producer_name 0x12, producer_version 0x1a, domain 0x22, model_version 0x28,
// doc_string 0x32, graph 0x3a, opset_import 0x42.
bool looks_like_onnx(const std::uint8_t* head, std::size_t size) {
    if (size < 3 || head[0] != 0x08 || head[1] == 0 || head[1] >= 0x80) return false;
    for (std::uint8_t field : {0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42})
        if (head[2] == field) return true;
    return false;
}
}  // namespace

std::string foreign_file_kind(const std::uint8_t* head, std::size_t size) {
    if (looks_like_onnx(head, size))
        return "an ONNX model (what `trainctl export --format onnx` writes); eval, infer and export need the .ckpt "
               "it was exported from";
    if (starts(head, size, "\x89PNG\r\n\x1a\n", 8)) return "a PNG image (infer --input takes images)";
    if (starts(head, size, "PK\x03\x04", 4))
        return "a zip archive (a PyTorch .pt/.pth file?); trainctl reads its own safetensors checkpoints";
    if (starts(head, size, "\x1f\x8b", 2)) return "a gzip file";
    if (starts(head, size, "\x00\x00\x08\x03", 4) || starts(head, size, "\x00\x00\x08\x01", 4))
        return "an IDX data file (MNIST images or labels; pass their folder as --data)";
    if (size >= 3 && head[0] == 'P' && (head[1] == '2' || head[1] == '5') && (head[2] == '\n' || head[2] == ' '))
        return "a PGM image (infer --input takes images)";
    return "";
}

}  // namespace trainctl
