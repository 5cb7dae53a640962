// What `--help` says about each config key's flag.
#pragma once
#include <string>

namespace trainctl {

struct ConfigHelp {
    const char* key;
    const char* help;
    const char* type = nullptr;       // the help's TYPE when the default's JSON type does not tell it
    const char* in_resume = nullptr;  // what the key does in `resume` (fixed keys: cmd/resume_fixed_keys)
};

// The help of a config key; throws std::logic_error (our bug) for a key without one.
const ConfigHelp& config_help(const std::string& key);

}  // namespace trainctl
