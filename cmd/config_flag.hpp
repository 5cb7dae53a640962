// A config key as a flag: its spelling, derived from the key, and the typed text it sets.
#pragma once
#include <string>
#include <nlohmann/json_fwd.hpp>

#include "core/config.hpp"

namespace trainctl {

// "--" + the key with '_' and '.' as '-': lr_min -> --lr-min, input.size -> --input-size.
std::string flag_of(const std::string& key);
// Sets key (dotted path) from a flag's text: JSON literal if it parses, else a string;
// "a,b" lists become arrays. The origin recorded is the flag.
void apply_flag(nlohmann::json& j, const ConfigKey& key, const std::string& text, ConfigOrigins& origins);
// A value as it is typed after its flag: 512,512 for a list, text without quotes.
std::string flag_text(const nlohmann::json& value);

}  // namespace trainctl
