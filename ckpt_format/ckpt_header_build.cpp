// Writes the header JSON: __metadata__ first, then one entry per tensor in data order,
// compact (no spaces) so the header_crc32c pair has one exact spelling.
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "ckpt_format/ckpt_header.hpp"
#include "core/error.hpp"

namespace trainctl {
namespace {

using OrderedJson = nlohmann::ordered_json;

void check_view(const CkptTensorView& view, std::set<std::string>& seen) {
    const std::string where = "checkpoint tensor \"" + view.name + "\": ";
    if (view.name.empty() || view.name == "__metadata__")
        throw Error("checkpoint tensor name \"" + view.name + "\" is reserved or empty");
    if (!seen.insert(view.name).second) throw Error(where + "name given twice");
    std::uint64_t need = dtype_size(view.dtype);
    for (std::uint64_t d : view.shape)
        if (__builtin_mul_overflow(need, d, &need)) throw Error(where + "shape overflows 64 bits");
    if (need != view.bytes)
        throw Error(where + "shape " + ckpt_dims_str(view.shape) + " " + dtype_name(view.dtype) +
                    " needs " + std::to_string(need) + " bytes, got " + std::to_string(view.bytes));
    if (view.bytes > 0 && view.data == nullptr) throw Error(where + "data is null");
}

// Appends "key":value to the text of a JSON object being built. The keys are unique (checked
// above), and ordered_json's operator[] would search all earlier keys on every insert: quadratic
// in the tensor count. The bytes are what dumping the same ordered_json would give.
void append_member(std::string& object, const std::string& key, const std::string& value_json) {
    object += object.empty() ? '{' : ',';
    object += OrderedJson(key).dump();  // escaped as dump() escapes keys; throws on bad UTF-8
    object += ':';
    object += value_json;
}

std::string close_object(std::string object) { return object.empty() ? "{}" : object + '}'; }

OrderedJson metadata_json(const std::vector<CkptTensorView>& tensors,
                          const std::vector<std::uint32_t>& crcs, const CkptMetadata& metadata) {
    OrderedJson meta = OrderedJson::object();
    meta[kCkptKeyFormat] = kCkptFormat;
    for (const auto& [key, value] : metadata) {
        if (key == kCkptKeyFormat || key == kCkptKeyCrc || key == kCkptKeyHeaderCrc)
            throw Error("checkpoint metadata key \"" + key + "\" is reserved for the format");
        meta[key] = value;
    }
    std::string crc_map;
    for (std::size_t i = 0; i < tensors.size(); ++i)
        append_member(crc_map, tensors[i].name, '"' + ckpt_crc_hex(crcs[i]) + '"');
    meta[kCkptKeyCrc] = close_object(std::move(crc_map));
    meta[kCkptKeyHeaderCrc] = "00000000";  // placeholder, patched once the header is complete
    return meta;
}

}  // namespace

std::string ckpt_build_header(const std::vector<CkptTensorView>& tensors,
                              const std::vector<std::uint32_t>& crcs, const CkptMetadata& metadata) {
    if (crcs.size() != tensors.size()) throw Error("checkpoint header: one CRC per tensor required");
    std::set<std::string> seen;
    for (const CkptTensorView& view : tensors) check_view(view, seen);

    std::string json;
    try {
        append_member(json, "__metadata__", metadata_json(tensors, crcs, metadata).dump());
        std::uint64_t offset = 0;
        for (const CkptTensorView& view : tensors) {
            const OrderedJson entry = {{"dtype", dtype_name(view.dtype)},
                                       {"shape", view.shape},
                                       {"data_offsets", {offset, offset + view.bytes}}};
            append_member(json, view.name, entry.dump());
            offset += view.bytes;
        }
    } catch (const nlohmann::json::type_error& e) {
        throw Error(std::string("checkpoint metadata or tensor name is not valid UTF-8: ") + e.what());
    }
    json = close_object(std::move(json));
    json.append((8 - json.size() % 8) % 8, ' ');  // 8 + N is then a multiple of 8

    std::size_t digits = ckpt_find_header_crc(json);
    // Unreachable: caller strings are escaped and the reserved key is refused above.
    if (digits == std::string::npos) throw Error("checkpoint header: header_crc32c field not found");
    json.replace(digits, 8, ckpt_crc_hex(ckpt_header_crc(json, digits)));

    std::string header(8, '\0');
    std::uint64_t length = json.size();
    std::memcpy(header.data(), &length, 8);  // host is little-endian (ckpt_types.hpp)
    return header + json;
}

}  // namespace trainctl
