// Config keys as CLI11 options.
#include "cmd/config_flags.hpp"

namespace trainctl {

void add_config_flags(CLI::App& sub, ConfigFlags& flags) {
    for (const auto& key : config_keys()) {
        CLI::Option* opt = sub.add_option(key.flag, flags.text[key.key], key.help)->group("Config keys (override --config)");
        if (key.boolean) opt->expected(0, 1);
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

}  // namespace trainctl
