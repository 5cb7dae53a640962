// Stored config <- --config file <- flags, for `resume`.
#include "cmd/resume_config.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cmd/resume_fixed_keys.hpp"
#include "cmd/run/resume_target.hpp"
#include "cmd/run/stored_run.hpp"
#include "core/error.hpp"

namespace trainctl {

namespace {
// Every key the file sets replaces the stored one; "input" key by key, as the flags do.
void overlay_file(const nlohmann::json& file, nlohmann::json& j) {
    for (const auto& key : config_keys()) {
        const auto pointer = config_key_pointer(key.key);
        if (!file.contains(pointer)) continue;
        if (key.key.rfind("input.", 0) == 0 && !j["input"].is_object()) j["input"] = nlohmann::json::object();
        j[pointer] = file.at(pointer);
    }
}

// A resume told to save (or keep) by time and not by count drops the stored ckpt_steps (keep_max):
// a stored count, "epoch" by default, would otherwise win over the time it was told.
void prefer_told_time_policies(const nlohmann::json& file, const ConfigFlags& flags, nlohmann::json& j) {
    auto told = [&](const std::string& key) { return flag_given(flags, key) || file.contains(config_key_pointer(key)); };
    const std::pair<const char*, const char*> time_over_count[] = {{"ckpt_seconds", "ckpt_steps"},
                                                                    {"keep_per_minutes", "keep_max"}};
    for (const auto& [time_key, count_key] : time_over_count) {
        if (!told(time_key) || told(count_key)) continue;
        const auto time = j.find(time_key);
        if (time != j.end() && time->is_number() && time->get<double>() > 0) j.erase(count_key);
    }
}
// The stored "monitor" is the metric the run watched when --keep-best or --early-stop watched one
// (early stopping's default, loss, was stored as such). A run that watched nothing stored the
// default "acc" no one chose: dropped, so a resume that starts watching gets train's default.
void drop_unwatched_monitor(const RunConfig& stored, const nlohmann::json& file, const ConfigFlags& flags,
                            nlohmann::json& j) {
    if (stored.ckpt.keep_best > 0 || stored.early_stop.patience > 0) return;
    if (flag_given(flags, "monitor") || file.contains(config_key_pointer("monitor"))) return;
    j.erase("monitor");
}
}  // namespace

ResumeConfig resume_config(const std::string& from, const StoredRun& run, const std::string& config_path,
                           const ConfigFlags& flags, std::size_t more_epochs) {
    nlohmann::json j = run.config_json;
    if (!j.is_object()) throw Error(from + ": stored config is " + j.type_name() + ", expected a JSON object");
    ConfigOrigins origins;
    for (auto it = j.begin(); it != j.end(); ++it)
        origins[it.key()] = from + ": stored config key \"" + it.key() + "\"";
    // Where the run's files are, wherever it was first started: the stored out may be stale (a
    // copied or moved directory), and print-config shows what will be used.
    j["out"] = checkpoint_dir(from);
    origins["out"] = "the directory of " + from;

    ResumeConfig rc;
    rc.stored = parse_config(j, origins);
    const nlohmann::json file = config_path.empty() ? nlohmann::json::object() : read_config_file(config_path, origins);
    overlay_file(file, j);
    apply_config_flags(flags, j, origins);
    prefer_told_time_policies(file, flags, j);
    drop_unwatched_monitor(rc.stored, file, flags, j);
    if (more_epochs > 0) j["epochs"] = run.state.epoch + more_epochs;
    std::vector<std::string> warnings;
    rc.resumed = parse_config(j, origins, &warnings);
    for (const auto& w : warnings) std::cerr << "trainctl: warning: " << w << "\n";
    refuse_fixed_key_changes(to_json(rc.stored), to_json(rc.resumed), origins, from);
    rc.origins = std::move(origins);
    return rc;
}

}  // namespace trainctl
