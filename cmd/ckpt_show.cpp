// Tables, sizes and tensor values for the `ckpt` subcommands.
#include "cmd/ckpt_show.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/strings.hpp"

namespace trainctl {

TextTable::TextTable(std::vector<std::string> header, std::string align) : align_(std::move(align)) {
    rows_.push_back(std::move(header));
    verbatim_.push_back(false);
}

void TextTable::add(std::vector<std::string> row) {
    rows_.push_back(std::move(row));
    verbatim_.push_back(false);
}

void TextTable::add_line(std::string text) {
    rows_.push_back({std::move(text)});
    verbatim_.push_back(true);
}

void TextTable::print(std::ostream& out) const {
    std::vector<std::size_t> width;
    for (std::size_t r = 0; r < rows_.size(); ++r)
        for (std::size_t c = 0; c < rows_[r].size() && !verbatim_[r]; ++c) {
            const auto& row = rows_[r];
            if (width.size() <= c) width.push_back(0);
            width[c] = std::max(width[c], row[c].size());
        }
    for (std::size_t r = 0; r < rows_.size(); ++r) {
        const auto& row = rows_[r];
        if (verbatim_[r]) {
            out << row[0] << "\n";
            continue;
        }
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

std::uint64_t element_count(const CkptTensorInfo& info) { return info.bytes() / dtype_size(info.dtype); }

void read_values(const CkptReader& reader, const CkptTensorInfo& info, std::uint64_t first, std::size_t count,
                 std::vector<std::uint8_t>& raw, std::vector<double>& out) {
    const std::size_t size = dtype_size(info.dtype);
    raw.resize(count * size);
    out.resize(count);
    reader.read_tensor_bytes(info, first * size, raw.size(), raw.data());
    const std::uint8_t* p = raw.data();
    for (std::size_t i = 0; i < count; ++i, p += size) {
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
}

TensorStats tensor_stats(const CkptReader& reader, const CkptTensorInfo& info) {
    TensorStats s;
    s.count = element_count(info);
    if (s.count == 0) return s;
    std::vector<std::uint8_t> raw;
    std::vector<double> values;
    // Calls fn on each element in order, a chunk at a time.
    auto each = [&](auto&& fn) {
        for (std::uint64_t first = 0; first < s.count; first += kValueChunk) {
            read_values(reader, info, first, static_cast<std::size_t>(std::min<std::uint64_t>(kValueChunk, s.count - first)),
                        raw, values);
            for (double v : values) fn(v);
        }
    };
    double sum = 0;
    bool first = true;
    each([&](double v) {
        if (first) s.min = s.max = v, first = false;
        s.min = std::min(s.min, v);
        s.max = std::max(s.max, v);
        sum += v;
    });
    s.mean = sum / static_cast<double>(s.count);
    double sq = 0;
    each([&](double v) { sq += (v - s.mean) * (v - s.mean); });
    s.std = std::sqrt(sq / static_cast<double>(s.count));
    return s;
}

std::string join_problems(const std::string& path, const std::vector<std::string>& problems) {
    std::string text;
    const std::string lead = path + ": ";
    for (const std::string& p : problems)
        text += (text.empty() ? "" : "; ") + (starts_with(p, lead) ? p.substr(lead.size()) : p);
    return text;
}

}  // namespace trainctl
