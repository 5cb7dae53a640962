// Binding every config key as a flag, and resolving file + flags into a RunConfig.
#pragma once
#include <map>
#include <string>
#include <CLI/CLI.hpp>
#include <nlohmann/json_fwd.hpp>

#include "cmd/config_flag.hpp"
#include "core/config.hpp"

namespace trainctl {

// Flag texts as typed, by config key; only keys whose flag was given are resolved.
struct ConfigFlags {
    std::map<std::string, std::string> text;
    std::map<std::string, CLI::Option*> options;
};

// What a config key is when its flag is not given: the built-in default (train), or the value
// stored in the checkpoint (resume).
enum class FlagDefaults { kBuiltIn, kFromCheckpoint };

// Adds --net, --lr, ... (one per config key) to the subcommand; help shows each one's type and
// default: `--epochs INT=2`, `--optimizer ENUM:{sgd,momentum,adam}=momentum`.
void add_config_flags(CLI::App& sub, ConfigFlags& flags, FlagDefaults defaults = FlagDefaults::kBuiltIn);
// Overlays the given flags on `base` (a config file's JSON or a checkpoint's stored config).
void apply_config_flags(const ConfigFlags& flags, nlohmann::json& base, ConfigOrigins& origins);
// True when the flag for `key` was given.
bool flag_given(const ConfigFlags& flags, const std::string& key);

// Refuses (usage_error) a prefix ending in "-best", naming where it came from: run X-best's step
// files would bear the names of run X's best files. Not parse_config's job: a run started before
// this rule stores such a prefix in its config, and `resume` still reads it (that run branches,
// see cmd/run/resume_branch.hpp).
void refuse_reserved_prefix(const RunConfig& config, const ConfigOrigins& origins);

// The config `train --config FILE FLAGS...` runs with ("" FILE: the defaults), warnings on
// stderr; usage_error naming the file, key or flag. Defined in cmd/train.cpp; `summary` uses it.
RunConfig resolve_train_config(const std::string& config_path, const ConfigFlags& flags);

}  // namespace trainctl
