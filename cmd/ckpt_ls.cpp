// `trainctl ckpt ls [DIR]`: one row per .ckpt, grouped by run (the run saved last at the end),
// ordered by global step, with its net, status (ok, diverged or what is wrong) and which is the
// run's best by its monitored metric.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "ckpt_format/ckpt_names.hpp"
#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/ckpt_cmds.hpp"
#include "cmd/ckpt_show.hpp"
#include "cmd/run/checkpoint_io.hpp"
#include "cmd/run/ckpt_runs.hpp"
#include "core/error.hpp"
#include "core/json_limit.hpp"
#include "core/memory.hpp"
#include "core/strings.hpp"
#include "core/train_state.hpp"

namespace trainctl {

namespace {

struct LsRow {
    std::string file;
    std::uint64_t bytes = 0;
    std::optional<TrainState> state;  // absent for files that are not training checkpoints
    std::optional<DirCkpt> entry;     // its run and marks, with its state
    std::string net = "-";            // the model description's net
    std::string problem;              // empty when ckpt_verify finds nothing
    std::string monitor = "acc";      // the run's keep-best metric (its stored config's "monitor")
    bool best = false;                // the run's best checkpoint by `monitor`
};

// The net a checkpoint's model description names, or "-".
std::string net_of(const CkptMetadata& metadata, const std::string& path) {
    const auto it = metadata.find(kMetaModel);
    if (it == metadata.end()) return "-";
    try {
        const nlohmann::json model = parse_json_limited(it->second, path, kExitError, /*allow_exceptions=*/false);
        const nlohmann::json net = model.is_object() && model.contains("spec") && model["spec"].is_object()
                                       ? model["spec"].value("net", nlohmann::json()) : nlohmann::json();
        return net.is_string() ? net.get<std::string>() : "-";
    } catch (const Error&) {
        return "-";
    }
}

// The config's "monitor" (acc or loss), "acc" (the default) when it does not say.
std::string monitor_of(const CkptMetadata& metadata, const std::string& path) {
    const auto it = metadata.find(kMetaConfig);
    if (it == metadata.end()) return "acc";
    try {
        const nlohmann::json config = parse_json_limited(it->second, path, kExitError, /*allow_exceptions=*/false);
        const nlohmann::json monitor = config.is_object() ? config.value("monitor", nlohmann::json()) : nlohmann::json();
        return monitor == "loss" ? "loss" : "acc";
    } catch (const Error&) {
        return "acc";
    }
}

// Whether the file's metrics are its own weights' (an epoch's end, evaluated): a mid-epoch file
// carries the last evaluation, of weights it no longer holds.
bool has_own_metrics(const LsRow& r) {
    if (!r.state || !r.problem.empty() || !r.entry->diverged.empty()) return false;
    const TrainState& s = *r.state;
    return s.has_metrics && s.step_in_epoch == 0 && s.metrics_epoch == s.epoch;
}

// Marks the run's best among rows [begin, end) by the monitor of its newest file, as keep-best
// ranks (ties: the earlier one). A step file and the best file saved at the same step both hold
// those weights: both are marked.
void mark_best(std::vector<LsRow>& rows, std::size_t begin, std::size_t end) {
    if (begin == end) return;
    const bool by_acc = rows[end - 1].monitor == "acc";
    const LsRow* best = nullptr;
    for (std::size_t i = begin; i < end; ++i) {
        const LsRow& r = rows[i];
        if (!has_own_metrics(r)) continue;
        const double v = by_acc ? r.state->metrics_acc : r.state->metrics_loss;
        const double b = best ? (by_acc ? best->state->metrics_acc : best->state->metrics_loss) : 0;
        if (!best || (by_acc ? v > b : v < b)) best = &r;
    }
    if (!best) return;
    const std::uint64_t step = best->state->global_step;
    for (std::size_t i = begin; i < end; ++i) {
        rows[i].monitor = rows[end - 1].monitor;
        rows[i].best = has_own_metrics(rows[i]) && rows[i].state->global_step == step;
    }
}

LsRow read_row(const std::string& dir, const std::string& file) {
    LsRow row;
    row.file = file;
    const std::string path = dir + "/" + file;
    struct stat st {};
    if (stat(path.c_str(), &st) == 0) row.bytes = static_cast<std::uint64_t>(st.st_size);
    // One reader for the checks and the state: a header of 100,000 tensors is parsed once.
    std::optional<CkptReader> reader;
    try {
        reader.emplace(path, CkptDataCrc::kSkip);
    } catch (const Error& e) {
        row.problem = join_problems(path, {e.what()});
        return row;
    }
    row.problem = join_problems(path, ckpt_verify(*reader, CkptValues::kFinite));
    if (!row.problem.empty()) return row;
    // A sound file whose state does not parse is listed with its reason rather than dropped.
    try {
        if (reader->metadata().count(kMetaState)) {
            DirCkpt entry = dir_ckpt(dir, file, reader->metadata());  // reads the state too: throws first
            row.state = read_stored_state(reader->metadata(), path).state;
            row.entry = std::move(entry);
            row.net = net_of(reader->metadata(), path);
            row.monitor = monitor_of(reader->metadata(), path);
        }
    } catch (const std::exception& e) {
        row.problem = e.what();
    }
    return row;
}

// "ok", "diverged (why)" or the problem.
std::string status_of(const LsRow& r) {
    if (!r.problem.empty()) return r.problem;
    if (r.entry && !r.entry->diverged.empty()) return "diverged (" + r.entry->diverged + ")";
    return "ok";
}

nlohmann::json row_json(const LsRow& r) {
    // "ok" and "valid" are about the file; "status" adds whether its weights diverged.
    nlohmann::json j = {{"file", r.file}, {"bytes", r.bytes}, {"ok", r.problem.empty()},
                        {"valid", r.problem.empty() ? "ok" : r.problem}, {"status", status_of(r)}};
    if (!r.state) return j;
    j["run"] = r.entry->run;
    j["net"] = r.net;
    j["diverged"] = r.entry->diverged.empty() ? nlohmann::json() : nlohmann::json(r.entry->diverged);
    const TrainState& s = *r.state;
    j["epoch"] = s.epoch_1based();
    j["step"] = s.step_1based();
    j["global_step"] = s.global_step;
    j["elapsed_s"] = s.elapsed_s;
    j["best"] = r.best;
    j["monitor"] = r.monitor;
    j["metrics"] = s.has_metrics ? nlohmann::json{{"epoch", s.metrics_epoch}, {"acc", s.metrics_acc},
                                                  {"loss", s.metrics_loss}}
                                 : nlohmann::json();
    return j;
}

std::vector<std::string> row_cells(const LsRow& r) {
    std::vector<std::string> cells{r.file, "-", "-", "-", r.net, format_size(r.bytes), "-", "-", "", "-", status_of(r)};
    if (!r.state) return cells;
    const TrainState& s = *r.state;
    cells[1] = std::to_string(s.epoch_1based());
    cells[2] = std::to_string(s.step_1based()) + "/" + std::to_string(s.steps_per_epoch);
    cells[3] = std::to_string(s.global_step);
    char buf[32];
    if (s.has_metrics) {
        // A mid-epoch checkpoint carries the last evaluation, of an earlier epoch: say which.
        const bool own = s.step_in_epoch == 0 && s.metrics_epoch == s.epoch;
        const std::string of_epoch = own ? "" : " (e" + std::to_string(s.metrics_epoch) + ")";
        std::snprintf(buf, sizeof buf, "%.4f", s.metrics_acc);
        cells[6] = buf + of_epoch;
        std::snprintf(buf, sizeof buf, "%.4f", s.metrics_loss);
        cells[7] = buf + of_epoch;
    }
    if (r.best) cells[8] = r.monitor;
    std::snprintf(buf, sizeof buf, "%.1f s", s.elapsed_s);
    cells[9] = buf;
    return cells;
}

}  // namespace

void run_ckpt_ls(const CkptLsOptions& opt) {
    struct stat st {};
    const bool one_file = stat(opt.dir.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    if (!one_file && (stat(opt.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)))
        throw Error(opt.dir + ": no such checkpoint directory or file");
    std::vector<LsRow> rows;
    if (one_file) {  // `ckpt ls FILE`: that file's row, whatever its name
        const std::size_t slash = opt.dir.rfind('/');
        rows.push_back(slash == std::string::npos ? read_row(".", opt.dir)
                                                  : read_row(opt.dir.substr(0, slash), opt.dir.substr(slash + 1)));
    }
    for (const std::string& file : one_file ? std::vector<std::string>{} : list_dir(opt.dir)) {
        const std::string ext = ".ckpt";
        if (file.size() > ext.size() && ends_with(file, ext))
            rows.push_back(read_row(opt.dir, file));
    }
    // Training checkpoints by run, the run saved last at the end (the one `latest` takes), each
    // by global step; the rest (foreign or broken files) after them, by name.
    std::vector<DirCkpt> entries;
    for (const LsRow& r : rows)
        if (r.entry) entries.push_back(*r.entry);
    const std::vector<DirRun> runs = group_runs(entries);
    std::vector<LsRow> ordered;
    std::vector<std::size_t> run_starts;  // where each run's rows begin in `ordered`
    for (const DirRun& run : runs) {
        run_starts.push_back(ordered.size());
        std::vector<DirCkpt> oldest_first = run.ckpts;
        std::stable_sort(oldest_first.begin(), oldest_first.end(), [](const DirCkpt& a, const DirCkpt& b) {
            return a.global_step < b.global_step;  // ties stay by name, as listed
        });
        for (auto c = oldest_first.begin(); c != oldest_first.end(); ++c)
            for (LsRow& r : rows)
                if (r.entry && r.file == c->file) {
                    r.entry = *c;  // with the marks group_runs adds
                    ordered.push_back(std::move(r));
                    r.entry.reset();
                }
    }
    run_starts.push_back(ordered.size());
    for (LsRow& r : rows)
        if (!r.state) ordered.push_back(std::move(r));
    rows = std::move(ordered);
    // `ckpt ls FILE` has no run to compare the file with.
    if (!one_file)
        for (std::size_t run = 0; run < runs.size(); ++run) mark_best(rows, run_starts[run], run_starts[run + 1]);

    if (opt.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const LsRow& r : rows) list.push_back(row_json(r));
        std::cout << nlohmann::json{{"dir", opt.dir}, {"checkpoints", list}}.dump() << "\n";
        return;
    }
    if (rows.empty()) {
        std::cerr << "trainctl: no .ckpt files in " << opt.dir << "/\n";
        return;
    }
    // "best" names the metric the run's best checkpoint is best by (its keep-best --monitor).
    TextTable table({"file", "epoch", "step", "global step", "net", "size", "acc", "loss", "best", "train time", "status"},
                    "lrrrlrrrlrl");
    for (std::size_t i = 0, run = 0; i < rows.size(); ++i) {
        // A title per run when there are several: which files belong together, and which `latest` takes.
        if (runs.size() > 1 && run < runs.size() && i == run_starts[run]) {
            table.add_line("run " + runs[run].prefix + (run + 1 == runs.size() ? " (saved last: `latest` takes this run)" : ""));
            ++run;
        }
        if (runs.size() > 1 && run == runs.size() && !rows[i].state && (i == 0 || rows[i - 1].state))
            table.add_line("not training checkpoints");
        table.add(row_cells(rows[i]));
    }
    table.print(std::cout);
}

}  // namespace trainctl
