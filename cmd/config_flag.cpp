// Config keys as flags: spelling and values.
#include "cmd/config_flag.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_limit.hpp"

namespace trainctl {

using nlohmann::json;

std::string flag_of(const std::string& key) {
    std::string flag = "--" + key;
    std::replace_if(flag.begin(), flag.end(), [](char ch) { return ch == '_' || ch == '.'; }, '-');
    return flag;
}

namespace {

// A flag's text as JSON: a literal when it parses ("0.01", "true", "[512,512]"), "a,b" as a
// list, a bare boolean flag as true, anything else as a string ("momentum").
json flag_value(const ConfigKey& key, const std::string& flag, const std::string& text) {
    if (key.boolean && text.empty()) return true;
    json value = parse_json_limited(text, flag, kExitUsage, /*allow_exceptions=*/false);
    if (!value.is_discarded()) return value;
    if (text.find(',') != std::string::npos) {
        value = parse_json_limited("[" + text + "]", flag, kExitUsage, /*allow_exceptions=*/false);
        if (!value.is_discarded()) return value;
    }
    return text;
}

}  // namespace

void apply_flag(json& j, const ConfigKey& key, const std::string& text, ConfigOrigins& origins) {
    const std::string flag = flag_of(key.key);
    if (key.key.rfind("input.", 0) == 0 && !j.contains("input")) j["input"] = json::object();
    j[config_key_pointer(key.key)] = flag_value(key, flag, text);
    origins[key.key] = flag;
}

std::string flag_text(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (!value.is_array()) return value.dump();
    std::string out;
    for (const auto& v : value) out += (out.empty() ? "" : ",") + v.dump();
    return out;
}

}  // namespace trainctl
