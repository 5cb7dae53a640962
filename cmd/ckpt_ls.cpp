// `trainctl ckpt ls [DIR]`: one row per .ckpt, ordered by global step, with its validity.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "ckpt_format/ckpt_names.hpp"
#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/checkpoint_io.hpp"
#include "cmd/ckpt_cmds.hpp"
#include "cmd/ckpt_show.hpp"
#include "core/error.hpp"
#include "core/memory.hpp"
#include "core/train_state.hpp"

namespace trainctl {

namespace {

struct LsRow {
    std::string file;
    std::uint64_t bytes = 0;
    std::optional<TrainState> state;  // absent for files that are not training checkpoints
    std::string problem;              // empty when ckpt_verify finds nothing
};

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
        if (reader->metadata().count(kMetaState)) row.state = read_stored_state(reader->metadata(), path).state;
    } catch (const std::exception& e) {
        row.problem = e.what();
    }
    return row;
}

nlohmann::json row_json(const LsRow& r) {
    nlohmann::json j = {{"file", r.file}, {"bytes", r.bytes}, {"ok", r.problem.empty()},
                        {"valid", r.problem.empty() ? "ok" : r.problem}};
    if (!r.state) return j;
    const TrainState& s = *r.state;
    j["epoch"] = s.epoch_1based();
    j["step"] = s.step_1based();
    j["global_step"] = s.global_step;
    j["elapsed_s"] = s.elapsed_s;
    j["metrics"] = s.has_metrics ? nlohmann::json{{"epoch", s.metrics_epoch}, {"acc", s.metrics_acc},
                                                  {"loss", s.metrics_loss}}
                                 : nlohmann::json();
    return j;
}

std::vector<std::string> row_cells(const LsRow& r) {
    std::vector<std::string> cells{r.file, "-", "-", "-", format_size(r.bytes), "-", "-", "-",
                                   r.problem.empty() ? "ok" : r.problem};
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
        cells[5] = buf + of_epoch;
        std::snprintf(buf, sizeof buf, "%.4f", s.metrics_loss);
        cells[6] = buf + of_epoch;
    }
    std::snprintf(buf, sizeof buf, "%.1f s", s.elapsed_s);
    cells[7] = buf;
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
        if (file.size() > ext.size() && file.compare(file.size() - ext.size(), ext.size(), ext) == 0)
            rows.push_back(read_row(opt.dir, file));
    }
    // Training checkpoints by global step; the rest (foreign or broken files) after them, by name.
    std::stable_sort(rows.begin(), rows.end(), [](const LsRow& a, const LsRow& b) {
        if (a.state.has_value() != b.state.has_value()) return a.state.has_value();
        return a.state && a.state->global_step < b.state->global_step;
    });

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
    TextTable table({"file", "epoch", "step", "global step", "size", "acc", "loss", "train time", "valid"}, "lrrrrrrrl");
    for (const LsRow& r : rows) table.add(row_cells(r));
    table.print(std::cout);
}

}  // namespace trainctl
