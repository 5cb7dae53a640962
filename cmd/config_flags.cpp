// Config keys as CLI11 options.
#include "cmd/config_flags.hpp"

#include <nlohmann/json.hpp>

#include "ckpt_format/ckpt_names.hpp"
#include "cmd/config_help.hpp"
#include "cmd/resume_fixed_keys.hpp"
#include "core/error.hpp"

namespace trainctl {

namespace {

// The help's name for what a key takes, from its choices or the JSON type of its default.
std::string type_name(const ConfigKey& key, const nlohmann::json& value) {
    if (const char* type = config_help(key.key).type) return type;
    if (!key.choices.empty()) {
        std::string names;
        for (const auto& c : key.choices) names += (names.empty() ? "" : ",") + c;
        return "ENUM:{" + names + "}";
    }
    if (value.is_boolean()) return "BOOL";
    if (value.is_number_integer()) return "INT";
    if (value.is_number()) return "FLOAT";
    if (value.is_array()) return "LIST";
    return "TEXT";
}

// What a key does in `resume` beyond its help in `train`.
std::string resume_note(const std::string& key) {
    if (const char* note = config_help(key).in_resume) return std::string(" (") + note + ")";
    const std::string fixed = resume_fixed_reason(key);  // cmd/resume_fixed_keys.hpp
    return fixed.empty() ? "" : " (kept as stored: " + fixed + ")";
}

}  // namespace

void add_config_flags(CLI::App& sub, ConfigFlags& flags, FlagDefaults defaults) {
    const RunConfig default_config;
    const nlohmann::json built_in = to_json(default_config);
    const bool stored = defaults == FlagDefaults::kFromCheckpoint;
    const std::string group = stored ? "Config keys (override --config; default: the value stored in the checkpoint)"
                                     : "Config keys (override --config; TYPE=default)";
    for (const auto& key : config_keys()) {
        const std::string help = config_help(key.key).help + (stored ? resume_note(key.key) : "");
        CLI::Option* opt = sub.add_option(flag_of(key.key), flags.text[key.key], help)->group(group);
        if (key.boolean) opt->expected(0, 1);
        // Help text only: CLI11's own messages keep saying TEXT (`--lr: 1 required TEXT missing`).
        const nlohmann::json& value = built_in.at(config_key_pointer(key.key));
        const std::string shown = flag_text(value);
        opt->option_text(type_name(key, value) + (stored || shown.empty() ? "" : "=" + shown));
        flags.options[key.key] = opt;
    }
}

bool flag_given(const ConfigFlags& flags, const std::string& key) {
    auto it = flags.options.find(key);
    return it != flags.options.end() && it->second->count() > 0;
}

void apply_config_flags(const ConfigFlags& flags, nlohmann::json& base, ConfigOrigins& origins) {
    for (const auto& key : config_keys())
        if (flag_given(flags, key.key)) apply_flag(base, key, flags.text.at(key.key), origins);
}

void refuse_reserved_prefix(const RunConfig& config, const ConfigOrigins& origins) {
    if (!is_reserved_prefix(config.prefix)) return;
    const auto origin = origins.find("prefix");
    const std::string where = origin == origins.end() || origin->second == "--prefix"
                                  ? "--prefix " + config.prefix
                                  : origin->second + " is \"" + config.prefix + "\"";
    throw usage_error(where + ": a prefix ending in \"-best\" is reserved for best checkpoints of run \"" +
                      best_files_run_of(config.prefix) + "\" (" + config.prefix + "-E_S.ckpt); choose another");
}

}  // namespace trainctl
