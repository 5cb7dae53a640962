// Element types of checkpoint tensors, named and sized as in safetensors.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace trainctl {

// Every dtype the safetensors spec names, so a reader can list any file it meets.
enum class DType : std::uint8_t { BOOL, U8, I8, U16, I16, F16, BF16, U32, I32, F32, U64, I64, F64 };

const char* dtype_name(DType dtype);  // "F32"
std::size_t dtype_size(DType dtype);  // bytes per element
std::optional<DType> dtype_parse(const std::string& name);  // nullopt for unknown names

}  // namespace trainctl
