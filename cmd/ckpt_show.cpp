// Tables, sizes and tensor values for the `ckpt` subcommands.
#include "cmd/ckpt_show.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace trainctl {

TextTable::TextTable(std::vector<std::string> header, std::string align) : align_(std::move(align)) {
    rows_.push_back(std::move(header));
}

void TextTable::add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

void TextTable::print(std::ostream& out) const {
    std::vector<std::size_t> width;
    for (const auto& row : rows_)
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (width.size() <= c) width.push_back(0);
            width[c] = std::max(width[c], row[c].size());
        }
    for (const auto& row : rows_) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::string pad(width[c] - row[c].size(), ' ');
            const bool right = c < align_.size() && align_[c] == 'r';
            line += (c ? "  " : "") + (right ? pad + row[c] : row[c] + (c + 1 < row.size() ? pad : ""));
        }
        out << line << "\n";
    }
}

std::string format_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

namespace {
// IEEE half -> float, subnormals included; safetensors F16 is binary16.
float half_to_float(std::uint16_t h) {
    const std::uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, frac = h & 0x3FF;
    float v;
    if (exp == 0) v = std::ldexp(static_cast<float>(frac), -24);
    else if (exp == 31) v = frac ? NAN : INFINITY;
    else v = std::ldexp(static_cast<float>(frac | 0x400), static_cast<int>(exp) - 25);
    return sign ? -v : v;
}

// Elements may sit at any alignment inside the mapping (tensors are packed back to back).
template <class T>
T load(const std::uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
}  // namespace

std::vector<double> tensor_values(const CkptReader& reader, const CkptTensorInfo& info) {
    const std::size_t size = dtype_size(info.dtype);
    const std::size_t n = info.bytes() / size;
    const std::uint8_t* p = reader.data(info);
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i, p += size) {
        switch (info.dtype) {
            case DType::BOOL: out[i] = *p != 0; break;
            case DType::U8: out[i] = load<std::uint8_t>(p); break;
            case DType::I8: out[i] = load<std::int8_t>(p); break;
            case DType::U16: out[i] = load<std::uint16_t>(p); break;
            case DType::I16: out[i] = load<std::int16_t>(p); break;
            case DType::F16: out[i] = half_to_float(load<std::uint16_t>(p)); break;
            case DType::BF16: {
                const std::uint32_t bits = static_cast<std::uint32_t>(load<std::uint16_t>(p)) << 16;
                out[i] = load<float>(reinterpret_cast<const std::uint8_t*>(&bits));
                break;
            }
            case DType::U32: out[i] = load<std::uint32_t>(p); break;
            case DType::I32: out[i] = load<std::int32_t>(p); break;
            case DType::F32: out[i] = load<float>(p); break;
            case DType::U64: out[i] = static_cast<double>(load<std::uint64_t>(p)); break;
            case DType::I64: out[i] = static_cast<double>(load<std::int64_t>(p)); break;
            case DType::F64: out[i] = load<double>(p); break;
        }
    }
    return out;
}

TensorStats tensor_stats(const std::vector<double>& values) {
    TensorStats s;
    s.count = values.size();
    if (values.empty()) return s;
    s.min = s.max = values.front();
    double sum = 0;
    for (double v : values) {
        s.min = std::min(s.min, v);
        s.max = std::max(s.max, v);
        sum += v;
    }
    s.mean = sum / static_cast<double>(values.size());
    // Two passes: the one-pass sum-of-squares formula cancels badly for weights near their mean.
    double sq = 0;
    for (double v : values) sq += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(sq / static_cast<double>(values.size()));
    return s;
}

std::string join_problems(const std::string& path, const std::vector<std::string>& problems) {
    std::string text;
    const std::string lead = path + ": ";
    for (const std::string& p : problems)
        text += (text.empty() ? "" : "; ") + (p.compare(0, lead.size(), lead) == 0 ? p.substr(lead.size()) : p);
    return text;
}

}  // namespace trainctl
