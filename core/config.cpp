// The config as a whole: its keys, file reading, validation and printing.
#include "core/config.hpp"

#include <algorithm>
#include <set>

#include "core/config_key.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"
#include "core/json_limit.hpp"
#include "core/suggest.hpp"

namespace trainctl {

using nlohmann::json;

const std::vector<ConfigKey>& config_keys() {
    static const std::vector<ConfigKey> keys = [] {
        std::vector<ConfigKey> all;
        for (auto section : {net_config_keys, input_config_keys, optimizer_config_keys, schedule_config_keys,
                             run_config_keys, checkpointing_config_keys, stopping_config_keys}) {
            std::vector<ConfigKey> some = section();
            all.insert(all.end(), some.begin(), some.end());
        }
        return all;
    }();
    return keys;
}

namespace {

std::string closest_key(const std::string& key) {
    std::vector<std::string> keys;
    for (const auto& k : config_keys()) keys.push_back(k.key);
    const std::string best = closest_name(key, keys);
    return best.empty() ? "" : " (did you mean \"" + best + "\"?)";
}

// source names the file for messages ("" once flags are merged in).
void check_known_keys(const json& j, const std::string& source) {
    std::set<std::string> known;
    for (const auto& k : config_keys()) known.insert(k.key);
    const std::string where = source.empty() ? "config" : source;
    if (!j.is_object()) throw usage_error(where + ": expected a JSON object, got " + std::string(j.type_name()));
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "input") {
            if (!it.value().is_object())
                throw usage_error(where + ": key \"input\" must be an object with size, mean, std");
            for (auto in = it.value().begin(); in != it.value().end(); ++in)
                if (!known.count("input." + in.key()))
                    throw usage_error(where + ": unknown key \"input." + in.key() + "\"" + closest_key("input." + in.key()));
        } else if (!known.count(it.key())) {
            throw usage_error(where + ": unknown key \"" + it.key() + "\"" + closest_key(it.key()));
        }
    }
}

// nlohmann's message without its "[json.exception.parse_error.101] " tag and the token it
// last read (for a bad string, the whole string so far: the message stays one short line).
std::string parse_error_text(const json::exception& e) {
    std::string msg = e.what();
    const std::size_t tag = msg.find("] ");
    if (tag != std::string::npos) msg.erase(0, tag + 2);
    return msg.substr(0, msg.find("; last read"));
}

// Configs are a few hundred bytes; this only stops a wrong path (a dataset) being slurped.
constexpr std::uintmax_t kConfigMaxBytes = std::uintmax_t{16} << 20;

}  // namespace

json read_config_file(const std::string& path, ConfigOrigins& origins) {
    const InputFile file = open_input_file(path, "a JSON config file", kExitUsage);
    if (!file.fd.valid()) throw usage_error(path + ": cannot open config file");
    if (file.size > kConfigMaxBytes)
        throw usage_error(path + ": config file is " + std::to_string(file.size) + " bytes, expected at most " +
                          std::to_string(kConfigMaxBytes));
    if (file.size == 0) throw usage_error(path + ": empty file, expected a JSON object");
    const std::vector<std::uint8_t> bytes = read_input_file(path, file, kExitUsage);
    json j;
    try {
        j = parse_json_limited(std::string(bytes.begin(), bytes.end()), path, kExitUsage);
    } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e999
        throw usage_error(path + ": invalid JSON: " + parse_error_text(e));
    }
    check_known_keys(j, path);
    for (const auto& k : config_keys())
        if (j.contains(config_key_pointer(k.key))) origins[k.key] = path + ": key \"" + k.key + "\"";
    return j;
}

RunConfig parse_config(const json& j, const ConfigOrigins& origins, std::vector<std::string>* warnings) {
    check_known_keys(j, "");
    RunConfig c;
    const ConfigReader r(j, origins);
    for (const auto& k : config_keys()) k.read(r, c);  // in table order: the first bad key is reported
    resolve_policy_conflicts(r, c.ckpt, warnings);
    resolve_monitor(r, c);
    return c;
}

json to_json(const RunConfig& c) {
    json j;
    for (const auto& k : config_keys()) j[config_key_pointer(k.key)] = k.write(c);
    return j;
}

json::json_pointer config_key_pointer(const std::string& key) {
    std::string p = "/" + key;
    std::replace(p.begin(), p.end(), '.', '/');
    return json::json_pointer(p);
}

bool is_valid_prefix(const std::string& prefix) {
    return !prefix.empty() && prefix[0] != '.' &&
           prefix.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
               std::string::npos;
}

}  // namespace trainctl
