// `trainctl ckpt inspect FILE`: what a checkpoint says about its run, and every tensor's numbers.
#include <iostream>
#include <nlohmann/json.hpp>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/ckpt_cmds.hpp"
#include "cmd/ckpt_show.hpp"
#include "cmd/run/checkpoint_io.hpp"
#include "core/error.hpp"
#include "core/json_limit.hpp"
#include "core/memory.hpp"
#include "core/train_state.hpp"

namespace trainctl {

namespace {

using nlohmann::json;

// Config keys worth a glance; the full config is in --json.
const char* const kSummaryKeys[] = {"net", "hidden", "optimizer", "lr", "lr_schedule", "batch_size",
                                    "epochs", "seed", "train_limit", "threads"};

// A metadata value that holds JSON text, or null when absent, not JSON (foreign files) or
// nested too deep to print.
json meta_json(const CkptMetadata& meta, const char* key) {
    auto it = meta.find(key);
    if (it == meta.end()) return json();
    try {
        json j = parse_json_limited(it->second, key, kExitError, /*allow_exceptions=*/false);
        return j.is_discarded() ? json() : j;
    } catch (const Error&) {
        return json();
    }
}

std::string meta_text(const CkptMetadata& meta, const char* key) {
    auto it = meta.find(key);
    return it == meta.end() ? "-" : it->second;
}

// Metadata keys shown on their own lines; any other key is listed as it is.
bool shown_apart(const std::string& key) {
    for (const char* k : {kCkptKeyFormat, kMetaVersion, kMetaRunPrefix, kMetaState, kMetaConfig, kMetaModel})
        if (key == k) return true;
    return false;
}

// The state as file names count it (1-based epoch and step), falling back to the raw JSON
// when it does not parse, so a damaged state is still shown.
std::string state_line(const json& st, const std::string& path) {
    std::string line;
    try {
        const TrainState s = train_state_from_json(st, path);
        line = "epoch " + std::to_string(s.epoch_1based()) + ", step " + std::to_string(s.step_1based()) + "/" +
               std::to_string(s.steps_per_epoch) + ", global step " + std::to_string(s.global_step) + ", " +
               format_number(s.elapsed_s) + " s of training, lr " + format_number(s.lr) + ", last loss " +
               format_number(s.last_loss);
        if (s.has_metrics)
            line += "; after epoch " + std::to_string(s.metrics_epoch) + ": acc " + format_number(s.metrics_acc) +
                    ", loss " + format_number(s.metrics_loss);
        if (s.has_val)
            line += "; after epoch " + std::to_string(s.val_epoch) + ": val_acc " + format_number(s.val_acc) +
                    ", val_loss " + format_number(s.val_loss);
        if (s.has_best)
            line += "; early stopping: best " + monitor_name(static_cast<Monitor>(s.best_monitor)) + " " +
                    format_number(s.best_value) + " at epoch " + std::to_string(s.best_epoch) + ", waited " +
                    std::to_string(s.best_wait) + (s.stopped_early ? ", stopped" : "");
    } catch (const Error& e) {
        return st.dump() + " (" + e.what() + ")";
    }
    if (st.contains("optimizer") && st["optimizer"].is_object()) {
        const json& o = st["optimizer"];  // shown as stored, whatever it holds
        auto text = [&](const char* key) {
            return !o.contains(key) ? std::string("?") : o[key].is_string() ? o[key].get<std::string>() : o[key].dump();
        };
        line += "; " + text("type") + " optimizer after " + text("step_count") + " steps";
    }
    return line;
}

std::string config_line(const json& config) {
    std::string line;
    for (const char* key : kSummaryKeys)
        if (config.contains(key)) line += (line.empty() ? "" : ", ") + std::string(key) + "=" + config[key].dump();
    return line;
}

}  // namespace

void run_ckpt_inspect(const CkptInspectOptions& opt) {
    // Tensor CRCs are checked below, one by one, so a bad tensor is reported instead of thrown.
    const CkptReader reader(opt.file, CkptDataCrc::kSkip);
    const CkptMetadata& meta = reader.metadata();
    const json state = meta_json(meta, kMetaState);
    const json config = meta_json(meta, kMetaConfig);

    json tensors = json::array();
    TextTable table({"tensor", "dtype", "shape", "min", "max", "mean", "std", "crc"}, "lllrrrrl");
    std::size_t bad = 0;
    for (const CkptTensorInfo& t : reader.tensors()) {
        const bool crc_ok = reader.tensor_crc_ok(t);
        bad += !crc_ok;
        const TensorStats s = tensor_stats(reader, t);
        tensors.push_back({{"name", t.name}, {"dtype", dtype_name(t.dtype)}, {"shape", t.shape},
                           {"min", s.min}, {"max", s.max}, {"mean", s.mean}, {"std", s.std}, {"crc_ok", crc_ok}});
        auto cell = [&](double v) { return s.count ? format_number(v) : std::string("-"); };
        table.add({t.name, dtype_name(t.dtype), ckpt_dims_str(t.shape), cell(s.min), cell(s.max), cell(s.mean),
                   cell(s.std), crc_ok ? "ok" : "BAD"});
    }

    if (opt.json) {
        json other = json::object();
        for (const auto& [key, value] : meta)
            if (!shown_apart(key))
                other[key] = value;
        std::cout << json{{"file", opt.file},
                          {"bytes", reader.header().file_size},
                          {"format", meta_text(meta, kCkptKeyFormat)},
                          {"trainctl_version", meta_text(meta, kMetaVersion)},
                          {"run_prefix", meta_text(meta, kMetaRunPrefix)},
                          {"train_state", state},
                          {"config", config},
                          {"model", meta_json(meta, kMetaModel)},
                          {"other_metadata", other},
                          {"tensors", tensors}}
                         .dump()
                  << "\n";
    } else {
        TextTable head({"file", opt.file + " (" + format_size(reader.header().file_size) + ")"}, "ll");
        head.add({"format", meta_text(meta, kCkptKeyFormat) + ", written by trainctl " + meta_text(meta, kMetaVersion)});
        head.add({"run prefix", meta_text(meta, kMetaRunPrefix)});
        if (state.is_object()) head.add({"state", state_line(state, opt.file)});
        if (config.is_object()) head.add({"config", config_line(config)});
        for (const auto& [key, value] : meta)
            if (!shown_apart(key))
                head.add({"meta " + key, value});
        head.add({"tensors", std::to_string(reader.tensors().size())});
        head.print(std::cout);
        std::cout << "\n";
        table.print(std::cout);
    }
    if (bad > 0) throw Error(opt.file + ": " + std::to_string(bad) + " tensor(s) fail their CRC32C check");
}

}  // namespace trainctl
