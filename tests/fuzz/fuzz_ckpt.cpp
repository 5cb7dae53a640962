// Fuzzes the checkpoint reader the way a user reaches it: header, offsets, dtypes, shapes,
// CRCs, the stored training state, then reading tensors. Each input runs as is, and again with its header CRC repaired,
// since a mutated header almost never matches its CRC and would hide everything after it.
#include <cstring>
#include <string>
#include <vector>

#include "ckpt_format/ckpt_header.hpp"
#include "ckpt_format/ckpt_reader.hpp"
#include "core/error.hpp"
#include "core/json_limit.hpp"
#include "core/train_state.hpp"
#include "fuzz_input_file.hpp"

using namespace trainctl;

namespace {

// The input with its header_crc32c digits recomputed, or "" when it has none to repair.
std::string with_header_crc_repaired(const std::string& file) {
    if (file.size() < 8) return "";
    std::uint64_t length = 0;
    std::memcpy(&length, file.data(), 8);
    if (length > file.size() - 8) return "";
    std::string json = file.substr(8, length);
    std::size_t digits = ckpt_find_header_crc(json);
    if (digits == std::string::npos) return "";
    std::string repaired = file;
    repaired.replace(8 + digits, 8, ckpt_crc_hex(ckpt_header_crc(json, digits)));
    return repaired == file ? "" : repaired;
}

// Everything a command does with a sound header: look up, copy and checksum each tensor.
void read_every_tensor(const CkptReader& reader) {
    for (const CkptTensorInfo& info : reader.tensors()) {
        if (reader.find(info.name) != &info) std::abort();  // the index must name every tensor
        if (info.dtype != DType::F32 || info.shape.size() > Shape::kMaxRank) continue;
        Shape shape;
        if (info.shape.size() == 1) shape = Shape{info.shape[0]};
        if (info.shape.size() == 2) shape = Shape{info.shape[0], info.shape[1]};
        if (info.shape.size() == 3) shape = Shape{info.shape[0], info.shape[1], info.shape[2]};
        if (info.shape.size() == 4) shape = Shape{info.shape[0], info.shape[1], info.shape[2], info.shape[3]};
        std::vector<float> out(info.bytes() / sizeof(float));
        reader.read_f32(info.name, shape, out.data());
    }
    reader.check_data();
}

// What resume, eval and ckpt ls make of the stored training state: an Error or a state, never
// another exception (nlohmann's type errors once aborted the process here).
void read_training_state(const CkptReader& reader) {
    auto it = reader.metadata().find("train_state");
    if (it == reader.metadata().end()) return;
    const nlohmann::json state = parse_json_limited(it->second, reader.path(), kExitError, /*allow_exceptions=*/false);
    if (!state.is_discarded()) train_state_from_json(state, reader.path());
}

void read_checkpoint(trainctl::fuzzing::FuzzInputFile& file, const std::string& bytes) {
    const std::string& path = file.hold(bytes.data(), bytes.size());
    ckpt_verify(path);
    try {
        ckpt_read_header(path);
    } catch (const Error&) {
    }
    try {
        CkptReader verified(path);
        read_training_state(verified);
    } catch (const Error&) {
    }
    try {
        read_every_tensor(CkptReader(path, CkptDataCrc::kSkip));
    } catch (const Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static trainctl::fuzzing::FuzzInputFile file;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    read_checkpoint(file, bytes);
    const std::string repaired = with_header_crc_repaired(bytes);
    if (!repaired.empty()) read_checkpoint(file, repaired);
    return 0;
}
