// How one config key reads into and writes from a RunConfig: the table of keys is built from
// these, section by section (core/config_<section>.cpp), so a key is spelled once.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>
#include <nlohmann/json.hpp>

#include "core/config.hpp"

namespace trainctl {

// Typed, range-checked access to the config JSON, naming where a bad value came from.
class ConfigReader {
public:
    ConfigReader(const nlohmann::json& j, const ConfigOrigins& origins) : j_(j), origins_(origins) {}

    [[noreturn]] void fail(const std::string& key, const std::string& expected) const;
    // "configs/x.json: key \"lr\"", "--lr", or `config key "lr"` when no origin was recorded.
    std::string where(const std::string& key) const;
    bool has(const std::string& key) const { return j_.contains(config_key_pointer(key)); }
    const nlohmann::json& value(const std::string& key) const { return j_.at(config_key_pointer(key)); }

    template <class T>
    void number(const std::string& key, T& out, const std::function<bool(double)>& ok, const std::string& expected) const {
        if (!has(key)) return;
        const nlohmann::json& v = value(key);
        if (!v.is_number() || !ok(v.get<double>())) fail(key, expected);
        // Checked again as stored: as a float, 1e-50 is 0 and fails "> 0", and 1e39 does not fit.
        const double d = v.get<double>();
        if (std::fabs(d) > std::numeric_limits<T>::max() || !ok(static_cast<T>(d))) fail(key, expected + " as a float");
        out = static_cast<T>(d);
    }
    template <class T>
    void integer(const std::string& key, T& out, std::uint64_t lo, std::uint64_t hi) const {
        if (!has(key)) return;
        out = static_cast<T>(checked_integer(key, lo, hi));
    }
    void boolean(const std::string& key, bool& out) const;
    // The text's index among `allowed`; fails naming them all.
    std::size_t choice(const std::string& key, const std::vector<std::string>& allowed) const;
    void text(const std::string& key, std::string& out, bool allow_empty) const;

private:
    std::uint64_t checked_integer(const std::string& key, std::uint64_t lo, std::uint64_t hi) const;

    const nlohmann::json& j_;
    const ConfigOrigins& origins_;
};

// Config floats print as typed: 0.01f as 0.01, not 0.009999999776.
double tidy(float f);

// The builders of table rows. `field` reaches the key's member for a const or a mutable
// RunConfig alike: [](auto& c) -> auto& { return c.net.fc_relu; }.
template <class Field>
ConfigKey bool_key(const std::string& key, Field field) {
    return {key, /*boolean=*/true, {},
            [key, field](const ConfigReader& r, RunConfig& c) { r.boolean(key, field(c)); },
            [field](const RunConfig& c) { return nlohmann::json(field(c)); }};
}

template <class Field>
ConfigKey integer_key(const std::string& key, Field field, std::uint64_t lo, std::uint64_t hi) {
    return {key, false, {},
            [key, field, lo, hi](const ConfigReader& r, RunConfig& c) { r.integer(key, field(c), lo, hi); },
            [field](const RunConfig& c) { return nlohmann::json(field(c)); }};
}

// Floats print tidied; doubles (seconds, minutes) as they are.
template <class Field>
ConfigKey number_key(const std::string& key, Field field, std::function<bool(double)> ok, const std::string& expected) {
    return {key, false, {},
            [key, field, ok, expected](const ConfigReader& r, RunConfig& c) { r.number(key, field(c), ok, expected); },
            [field](const RunConfig& c) {
                const auto v = field(c);
                if constexpr (std::is_same_v<std::decay_t<decltype(v)>, float>) return nlohmann::json(tidy(v));
                else return nlohmann::json(v);
            }};
}

template <class Field>
ConfigKey text_key(const std::string& key, Field field, bool allow_empty) {
    return {key, false, {},
            [key, field, allow_empty](const ConfigReader& r, RunConfig& c) { r.text(key, field(c), allow_empty); },
            [field](const RunConfig& c) { return nlohmann::json(field(c)); }};
}

// A text field keeps the chosen text; an enum field its index, so the enum lists its values in
// the order of `choices`.
template <class Field>
ConfigKey choice_key(const std::string& key, Field field, const std::vector<std::string>& choices) {
    return {key, false, choices,
            [key, field, choices](const ConfigReader& r, RunConfig& c) {
                if (!r.has(key)) return;
                auto& out = field(c);
                const std::size_t i = r.choice(key, choices);
                if constexpr (std::is_enum_v<std::decay_t<decltype(out)>>) out = static_cast<std::decay_t<decltype(out)>>(i);
                else out = choices[i];
            },
            [field, choices](const RunConfig& c) {
                const auto& v = field(c);
                if constexpr (std::is_enum_v<std::decay_t<decltype(v)>>) return nlohmann::json(choices.at(static_cast<std::size_t>(v)));
                else return nlohmann::json(v);
            }};
}

// The keys of each section, in the order help lists them and parse_config checks them.
std::vector<ConfigKey> net_config_keys();
std::vector<ConfigKey> input_config_keys();
std::vector<ConfigKey> optimizer_config_keys();
std::vector<ConfigKey> schedule_config_keys();
std::vector<ConfigKey> run_config_keys();
std::vector<ConfigKey> checkpointing_config_keys();
std::vector<ConfigKey> stopping_config_keys();

// A time policy given alone replaces the default step policy; given with one, it yields.
void resolve_policy_conflicts(const ConfigReader& r, CheckpointSpec& ckpt, std::vector<std::string>* warnings);
// The monitor's default (loss when early stopping, as Keras' val_loss) and that the monitored
// metric exists after every epoch (core/config_stopping.cpp); usage_error when not.
void resolve_monitor(const ConfigReader& r, RunConfig& c);

}  // namespace trainctl
