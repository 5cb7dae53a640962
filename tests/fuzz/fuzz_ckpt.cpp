// Fuzzes the checkpoint reader the way a user reaches it: header, offsets, dtypes, shapes,
// CRCs, the stored training state, config and model (the net is rebuilt), then reading tensors. Each input runs as is, and again with its header CRC repaired,
// since a mutated header almost never matches its CRC and would hide everything after it.
#include <cstring>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "ckpt_format/ckpt_header.hpp"
#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/run/checkpoint_io.hpp"
#include "cmd/run/stored_run.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
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

// libFuzzer counts one malloc over 2 GB as a crash, while trainctl builds any net that fits in
// memory (tests/cli checks the refusal of larger ones). Such specs are left out here.
bool fits_the_fuzzer(const nlohmann::json& model) {
    if (!model.is_object() || !model.contains("spec")) return true;  // build_model refuses it
    try {
        const RunConfig c = parse_config(model["spec"], {});
        if (c.net.type != "mlp") return true;  // LeNet5 at the largest input is 7M parameters
        std::uint64_t params = 0, in = c.input.size * c.input.size;
        for (std::size_t h : c.net.hidden) params += in * h, in = h;
        return params < (std::uint64_t{64} << 20);
    } catch (const Error&) {
        return true;  // build_model refuses it with the same error
    }
}

// What resume, eval, infer and export make of the stored metadata: the training state, the
// run config, and the net rebuilt from the model description. An Error or a result, never
// another exception (nlohmann's type errors once aborted the process here).
void read_stored_metadata(const CkptReader& reader) {
    const StoredRun stored = read_stored_run(reader);
    try {
        parse_config(stored.config_json, {});
    } catch (const Error&) {
    }
    if (fits_the_fuzzer(stored.model)) {
        RunConfig config;
        build_model(stored.model, reader.path(), &config);
    }
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
        read_stored_metadata(verified);
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
