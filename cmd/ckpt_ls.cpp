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
#include "core/early_stop.hpp"
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
    std::string monitor = "acc";      // the run's keep-best metric (its stored config's "monitor"), as shown
    Monitor resolved = Monitor::kAcc; // which of the state's metrics that is (val_* with a val_split)
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

// The config's "monitor" as the run's checkpointer names it (acc or loss stay so without a
// val_split, become val_acc or val_loss with one), and the metric it resolves to; acc by default.
void read_monitor(const CkptMetadata& metadata, const std::string& path, LsRow& row) {
    const auto it = metadata.find(kMetaConfig);
    if (it == metadata.end()) return;
    try {
        const nlohmann::json config = parse_json_limited(it->second, path, kExitError, /*allow_exceptions=*/false);
        if (!config.is_object()) return;
        const nlohmann::json name = config.value("monitor", nlohmann::json());
        const nlohmann::json split = config.value("val_split", nlohmann::json());
        const bool has_val = split.is_number() && split.get<double>() > 0;
        for (int m = 0; m <= static_cast<int>(Monitor::kTestLoss); ++m) {
            const auto monitor = static_cast<Monitor>(m);
            if (name != monitor_name(monitor)) continue;
            row.resolved = resolved_monitor(monitor, has_val);
            row.monitor = monitor_name(has_val ? row.resolved : monitor);
        }
    } catch (const Error&) {
    }
}

// The file's value of its run's monitored metric, when the file was evaluated at its own step.
std::optional<double> own_metric(const LsRow& r, Monitor resolved) {
    if (!r.state || !r.problem.empty() || !r.entry->diverged.empty() || r.state->step_in_epoch != 0) return std::nullopt;
    return monitored_value(*r.state, resolved);
}

// Marks the run's best among rows [begin, end) by the monitor of its newest file, as keep-best
// ranks (ties: the earlier one), among the files evaluated at their own step (a mid-epoch file
// carries an earlier evaluation, of weights it no longer holds). A step file and the best file
// saved at the same step both hold those weights: both are marked.
void mark_best(std::vector<LsRow>& rows, std::size_t begin, std::size_t end) {
    if (begin == end) return;
    const Monitor resolved = rows[end - 1].resolved;
    const bool higher = higher_is_better(resolved);
    std::optional<double> best;
    std::uint64_t step = 0;
    for (std::size_t i = begin; i < end; ++i) {
        const std::optional<double> v = own_metric(rows[i], resolved);
        if (v && (!best || (higher ? *v > *best : *v < *best))) {
            best = v;
            step = rows[i].state->global_step;
        }
    }
    if (!best) return;
    for (std::size_t i = begin; i < end; ++i) {
        rows[i].monitor = rows[end - 1].monitor;
        rows[i].resolved = resolved;
        rows[i].best = own_metric(rows[i], resolved) && rows[i].state->global_step == step;
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
            read_monitor(reader->metadata(), path, row);
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
    j["val_metrics"] = s.has_val ? nlohmann::json{{"epoch", s.val_epoch}, {"acc", s.val_acc}, {"loss", s.val_loss}}
                                 : nlohmann::json();
    return j;
}

// "0.9812", or "0.9812 (e3)" when the evaluation is of an earlier epoch than the file's weights.
std::string metric_cell(double value, std::uint64_t of_epoch, const TrainState& s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", value);
    const bool own = s.step_in_epoch == 0 && of_epoch == s.epoch;
    return buf + (own ? std::string() : " (e" + std::to_string(of_epoch) + ")");
}

// `val`: with the val acc and val loss columns (some file of the listing has them).
std::vector<std::string> row_cells(const LsRow& r, bool val) {
    std::vector<std::string> cells{r.file, "-", "-", "-", r.net, format_size(r.bytes), "-", "-", "", "-", status_of(r)};
    if (val) cells.insert(cells.begin() + 8, {"-", "-"});
    if (!r.state) return cells;
    const TrainState& s = *r.state;
    cells[1] = std::to_string(s.epoch_1based());
    cells[2] = std::to_string(s.step_1based()) + "/" + std::to_string(s.steps_per_epoch);
    cells[3] = std::to_string(s.global_step);
    // A mid-epoch checkpoint carries the last evaluation, of an earlier epoch: the cell says which.
    if (s.has_metrics) {
        cells[6] = metric_cell(s.metrics_acc, s.metrics_epoch, s);
        cells[7] = metric_cell(s.metrics_loss, s.metrics_epoch, s);
    }
    if (val && s.has_val) {
        cells[8] = metric_cell(s.val_acc, s.val_epoch, s);
        cells[9] = metric_cell(s.val_loss, s.val_epoch, s);
    }
    const std::size_t at = val ? 10 : 8;
    if (r.best) cells[at] = r.monitor;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", s.elapsed_s);
    cells[at + 1] = buf;
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
    // The validation set's columns when some file has them (--val-split runs).
    const bool val = std::any_of(rows.begin(), rows.end(), [](const LsRow& r) { return r.state && r.state->has_val; });
    std::vector<std::string> head{"file", "epoch", "step", "global step", "net", "size", "acc", "loss", "best", "train time", "status"};
    if (val) head.insert(head.begin() + 8, {"val acc", "val loss"});
    TextTable table(head, val ? "lrrrlrrrrrlrl" : "lrrrlrrrlrl");
    for (std::size_t i = 0, run = 0; i < rows.size(); ++i) {
        // A title per run when there are several: which files belong together, and which `latest` takes.
        if (runs.size() > 1 && run < runs.size() && i == run_starts[run]) {
            table.add_line("run " + runs[run].prefix + (run + 1 == runs.size() ? " (saved last: `latest` takes this run)" : ""));
            ++run;
        }
        if (runs.size() > 1 && run == runs.size() && !rows[i].state && (i == 0 || rows[i - 1].state))
            table.add_line("not training checkpoints");
        table.add(row_cells(rows[i], val));
    }
    table.print(std::cout);
}

}  // namespace trainctl
