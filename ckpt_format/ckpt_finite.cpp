// Non-finite values by their bits: an IEEE float is NaN or infinite when its exponent bits are
// all ones, so one scan serves F16, BF16, F32 and F64 without converting any of them.
#include "ckpt_format/ckpt_finite.hpp"

#include <cstdint>
#include <cstring>

namespace trainctl {
namespace {

struct FloatBits {
    std::uint64_t exponent;  // all ones: not finite
    std::uint64_t mantissa;  // then zero: infinity, else NaN
    std::uint64_t sign;
};

// Index of the first non-finite element of `count` little-endian values of type Bits, or count.
template <class Bits>
std::uint64_t first_non_finite(const std::uint8_t* data, std::uint64_t count, const FloatBits& f, Bits& found) {
    for (std::uint64_t i = 0; i < count; ++i) {
        Bits v;
        std::memcpy(&v, data + i * sizeof(Bits), sizeof(Bits));  // tensors need not be aligned
        if ((v & f.exponent) == f.exponent) {
            found = v;
            return i;
        }
    }
    return count;
}

template <class Bits>
std::string scan(const std::uint8_t* data, std::uint64_t count, const FloatBits& f) {
    Bits v = 0;
    const std::uint64_t i = first_non_finite<Bits>(data, count, f, v);
    if (i == count) return "";
    const char* what = (v & f.mantissa) != 0 ? "NaN" : (v & f.sign) != 0 ? "-inf" : "inf";
    return std::string(what) + " at index " + std::to_string(i);
}

}  // namespace

std::string ckpt_non_finite(const CkptReader& reader, const CkptTensorInfo& info) {
    const std::uint8_t* data = reader.data(info);
    const std::uint64_t n = info.bytes() / dtype_size(info.dtype);
    std::string found;
    switch (info.dtype) {
        case DType::F16: found = scan<std::uint16_t>(data, n, {0x7c00, 0x03ff, 0x8000}); break;
        case DType::BF16: found = scan<std::uint16_t>(data, n, {0x7f80, 0x007f, 0x8000}); break;
        case DType::F32: found = scan<std::uint32_t>(data, n, {0x7f800000, 0x007fffff, 0x80000000}); break;
        case DType::F64:
            found = scan<std::uint64_t>(data, n, {0x7ff0000000000000, 0x000fffffffffffff, 0x8000000000000000});
            break;
        default: return "";  // integers and BOOL are always finite
    }
    if (found.empty()) return "";
    return reader.path() + ": tensor \"" + info.name + "\" holds " + found +
           "; the weights diverged, use an earlier checkpoint";
}

}  // namespace trainctl
