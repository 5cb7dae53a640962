// One table maps each dtype to its safetensors name and element size.
#include "ckpt_format/dtype.hpp"

#include <array>

namespace trainctl {
namespace {

struct DTypeInfo {
    DType dtype;
    const char* name;
    std::size_t size;
};

// Same order as the enum, so dtype_info(d) is an index.
constexpr std::array<DTypeInfo, 13> kDTypes{{
    {DType::BOOL, "BOOL", 1}, {DType::U8, "U8", 1},     {DType::I8, "I8", 1},
    {DType::U16, "U16", 2},   {DType::I16, "I16", 2},   {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2}, {DType::U32, "U32", 4},   {DType::I32, "I32", 4},
    {DType::F32, "F32", 4},   {DType::U64, "U64", 8},   {DType::I64, "I64", 8},
    {DType::F64, "F64", 8},
}};

constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < kDTypes.size(); ++i)
        if (static_cast<std::size_t>(kDTypes[i].dtype) != i) return false;
    return true;
}
static_assert(table_in_enum_order(), "kDTypes must list dtypes in enum order");

const DTypeInfo& dtype_info(DType dtype) { return kDTypes[static_cast<std::size_t>(dtype)]; }

}  // namespace

const char* dtype_name(DType dtype) { return dtype_info(dtype).name; }

std::size_t dtype_size(DType dtype) { return dtype_info(dtype).size; }

std::optional<DType> dtype_parse(const std::string& name) {
    for (const DTypeInfo& info : kDTypes)
        if (name == info.name) return info.dtype;
    return std::nullopt;
}

}  // namespace trainctl
