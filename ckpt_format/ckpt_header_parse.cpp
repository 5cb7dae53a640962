// Validates a checkpoint header before anything trusts it: JSON, duplicates, format tag,
// header CRC, dtypes, shapes, and offsets that tile the data section exactly.
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ckpt_format/ckpt_header.hpp"
#include "ckpt_format/ckpt_json.hpp"
#include "core/error.hpp"

namespace trainctl {
namespace {

using Json = nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw Error(path + ": " + what);
}

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

std::uint32_t parse_hex(const std::string& path, const std::string& what, const Json& value) {
    const std::string s = value.is_string() ? value.get<std::string>() : value.dump();
    if (s.size() != 8 || s.find_first_not_of("0123456789abcdef") != std::string::npos)
        fail(path, what + " must be 8 lowercase hex digits, found " + in_quotes(ckpt_printable(s)));
    return static_cast<std::uint32_t>(std::stoul(s, nullptr, 16));
}

void parse_metadata(const std::string& path, const std::string& json, const Json& meta,
                    CkptHeader& header) {
    if (!meta.is_object())
        fail(path, "\"__metadata__\" must be an object, found " + std::string(meta.type_name()));
    for (const auto& [key, value] : meta.items()) {
        if (!value.is_string())
            fail(path, "metadata " + in_quotes(key) + " must be a string, found " + value.type_name());
        if (key != kCkptKeyCrc && key != kCkptKeyHeaderCrc) header.metadata[key] = value.get<std::string>();
    }
    auto format = header.metadata.find(kCkptKeyFormat);
    if (format == header.metadata.end())
        fail(path, "not a trainctl checkpoint: metadata \"format\" is missing, expected " +
                       in_quotes(kCkptFormat));
    if (format->second != kCkptFormat)
        fail(path, "unsupported format " + in_quotes(ckpt_printable(format->second)) + ", expected " +
                       in_quotes(kCkptFormat));
    if (!meta.contains(kCkptKeyHeaderCrc)) fail(path, "metadata \"header_crc32c\" is missing");
    header.header_crc = parse_hex(path, "metadata \"header_crc32c\"", meta[kCkptKeyHeaderCrc]);
    std::size_t digits = ckpt_find_header_crc(json);
    if (digits == std::string::npos) fail(path, "header_crc32c is not stored in canonical form");
    std::uint32_t computed = ckpt_header_crc(json, digits);
    if (computed != header.header_crc)
        fail(path, "header CRC32C mismatch (stored " + ckpt_crc_hex(header.header_crc) + ", computed " +
                       ckpt_crc_hex(computed) + ")");
}

std::uint64_t parse_u64(const std::string& path, const std::string& what, const Json& value) {
    if (!value.is_number_unsigned())
        fail(path, what + " must be a non-negative integer, found " + ckpt_printable(value.dump()));
    return value.get<std::uint64_t>();
}

// One tensor entry: {"dtype": .., "shape": [..], "data_offsets": [begin, end]}, nothing else.
CkptTensorInfo parse_tensor(const std::string& path, const std::string& name, const Json& entry) {
    const std::string where = "tensor " + in_quotes(name);
    if (!entry.is_object()) fail(path, where + " must be an object, found " + entry.type_name());
    for (const auto& [key, value] : entry.items())
        if (key != "dtype" && key != "shape" && key != "data_offsets")
            fail(path, where + " has unknown key " + in_quotes(key));
    if (!entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
        fail(path, where + " needs \"dtype\", \"shape\" and \"data_offsets\"");
    const Json& dtype = entry["dtype"];
    auto parsed = dtype.is_string() ? dtype_parse(dtype.get<std::string>()) : std::nullopt;
    if (!parsed) fail(path, where + " has unknown dtype " + ckpt_printable(dtype.dump()));

    CkptTensorInfo info{name, *parsed, {}, 0, 0, 0};
    const Json& shape = entry["shape"];
    if (!shape.is_array()) fail(path, where + " shape must be an array, found " + shape.type_name());
    std::uint64_t bytes = dtype_size(info.dtype);
    bool overflow = false;
    for (const Json& d : shape) {
        info.shape.push_back(parse_u64(path, where + " shape", d));
        overflow |= __builtin_mul_overflow(bytes, info.shape.back(), &bytes);
    }
    const Json& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2)
        fail(path, where + " data_offsets must be [begin, end], found " + ckpt_printable(offsets.dump()));
    info.begin = parse_u64(path, where + " data_offsets", offsets[0]);
    info.end = parse_u64(path, where + " data_offsets", offsets[1]);
    if (info.begin > info.end)
        fail(path, where + " data_offsets [" + std::to_string(info.begin) + "," +
                       std::to_string(info.end) + "] end before begin");
    if (overflow || bytes != info.bytes())
        fail(path, where + " shape " + ckpt_dims_str(info.shape) + " " + dtype_name(info.dtype) + " needs " +
                       (overflow ? "over 2^64" : std::to_string(bytes)) + " bytes, data_offsets span " +
                       std::to_string(info.bytes()));
    return info;
}

// Tensors must follow each other in header order with no gap, and fill the data section.
void check_tiling(const std::string& path, const std::vector<CkptTensorInfo>& tensors,
                  std::uint64_t data_size) {
    std::uint64_t expected = 0;
    for (const CkptTensorInfo& t : tensors) {
        auto where = [&] {
            return "tensor " + in_quotes(t.name) + " data_offsets [" + std::to_string(t.begin) + "," +
                   std::to_string(t.end) + "]";
        };
        if (t.begin < expected)
            fail(path, where() + " overlap the previous tensor (expected begin " + std::to_string(expected) + ")");
        if (t.begin > expected)
            fail(path, where() + " leave a hole of " + std::to_string(t.begin - expected) +
                           " bytes (expected begin " + std::to_string(expected) + ")");
        if (t.end > data_size)
            fail(path, where() + " run past the end of the file (data section is " +
                           std::to_string(data_size) + " bytes)");
        expected = t.end;
    }
    if (expected != data_size)
        fail(path, "data section is " + std::to_string(data_size) + " bytes but tensors cover " +
                       std::to_string(expected) + " (trailing bytes)");
}

void parse_crcs(const std::string& path, const Json& meta, std::vector<CkptTensorInfo>& tensors) {
    if (!meta.contains(kCkptKeyCrc)) fail(path, "metadata \"crc32c\" is missing");
    const std::vector<CkptJsonMember> crcs =
        ckpt_json_members(path, "metadata \"crc32c\"", meta[kCkptKeyCrc].get<std::string>());
    // The writer lists CRCs in tensor order; any other order is looked up by name.
    std::unordered_map<std::string_view, const Json*> by_name;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const CkptTensorInfo& t = tensors[i];
        const Json* crc = i < crcs.size() && crcs[i].first == t.name ? &crcs[i].second : nullptr;
        if (!crc) {
            if (by_name.empty())
                for (const auto& [name, value] : crcs) by_name.emplace(name, &value);
            const auto it = by_name.find(t.name);
            if (it == by_name.end()) fail(path, "metadata \"crc32c\" has no entry for tensor " + in_quotes(t.name));
            crc = it->second;
        }
        tensors[i].crc = parse_hex(path, "crc32c of tensor " + in_quotes(t.name), *crc);
    }
    if (crcs.size() != tensors.size())
        fail(path, "metadata \"crc32c\" has " + std::to_string(crcs.size()) + " entries for " +
                       std::to_string(tensors.size()) + " tensors");
}

}  // namespace

CkptHeader ckpt_parse_header(const std::string& path, const std::string& json, std::uint64_t file_size) {
    CkptHeader header;
    header.data_start = 8 + json.size();
    header.file_size = file_size;
    const std::vector<CkptJsonMember> root = ckpt_json_members(path, "header", json);  // in file order
    const Json* meta = nullptr;
    for (const auto& [name, value] : root)
        if (name == "__metadata__") meta = &value;
    if (!meta) fail(path, "not a trainctl checkpoint: header has no \"__metadata__\"");
    parse_metadata(path, json, *meta, header);
    header.tensors.reserve(root.size());
    for (const auto& [name, entry] : root)
        if (name != "__metadata__") header.tensors.push_back(parse_tensor(path, name, entry));
    check_tiling(path, header.tensors, file_size - header.data_start);
    parse_crcs(path, *meta, header.tensors);
    return header;
}

}  // namespace trainctl
