// Fuzzes config reading: the JSON file, then validation of every key (the nested "input"
// object included). A config that validates must print (to_json) and read back unchanged, as
// `train --print-config` output is meant to be saved and reused as a config file.
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "core/error.hpp"
#include "fuzz_input_file.hpp"

using namespace trainctl;

namespace {

void require_reloads(const RunConfig& config) {
    const std::string printed = to_json(config).dump();
    try {
        if (to_json(parse_config(nlohmann::json::parse(printed), {})).dump() == printed) return;
        std::fprintf(stderr, "printed config reads back different: %s\n", printed.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "printed config does not read back: %s\n%s\n", e.what(), printed.c_str());
    }
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static trainctl::fuzzing::FuzzInputFile file;
    const std::string& path = file.hold(data, size);
    RunConfig config;
    try {
        ConfigOrigins origins;
        nlohmann::json j = read_config_file(path, origins);
        config = parse_config(j, origins);
    } catch (const Error&) {
        return 0;
    }
    require_reloads(config);
    return 0;
}
