// ConfigReader's checks that are not templates, and tidy().
#include <algorithm>
#include <cstdlib>

#include "core/config_key.hpp"
#include "core/error.hpp"
#include "core/float_text.hpp"

namespace trainctl {

using nlohmann::json;

void ConfigReader::fail(const std::string& key, const std::string& expected) const {
    throw usage_error(where(key) + " must be " + expected + ", got " + value(key).dump());
}

std::string ConfigReader::where(const std::string& key) const {
    auto it = origins_.find(key);
    return it != origins_.end() ? it->second : "config key \"" + key + "\"";
}

std::uint64_t ConfigReader::checked_integer(const std::string& key, std::uint64_t lo, std::uint64_t hi) const {
    const json& v = value(key);
    const std::string expected = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<long long>() < 0)) fail(key, expected);
    const std::uint64_t u = v.get<std::uint64_t>();
    if (u < lo || u > hi) fail(key, expected);
    return u;
}

void ConfigReader::boolean(const std::string& key, bool& out) const {
    if (!has(key)) return;
    const json& v = value(key);
    if (!v.is_boolean()) fail(key, "true or false");
    out = v.get<bool>();
}

std::size_t ConfigReader::choice(const std::string& key, const std::vector<std::string>& allowed) const {
    const json& v = value(key);
    std::string expected = "one of";
    for (const auto& a : allowed) expected += " \"" + a + "\"";
    if (!v.is_string()) fail(key, expected);
    const auto it = std::find(allowed.begin(), allowed.end(), v.get<std::string>());
    if (it == allowed.end()) fail(key, expected);
    return static_cast<std::size_t>(it - allowed.begin());
}

void ConfigReader::text(const std::string& key, std::string& out, bool allow_empty) const {
    if (!has(key)) return;
    const json& v = value(key);
    if (!v.is_string() || (!allow_empty && v.get<std::string>().empty())) fail(key, "a non-empty string");
    out = v.get<std::string>();
}

double tidy(float f) { return std::strtod(shortest_float_text(f).c_str(), nullptr); }

}  // namespace trainctl
