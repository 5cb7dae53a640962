// The run's metrics log, DIR/PREFIX-metrics.csv (docs/metrics.md): a header, then one row per
// --log-every steps and one per evaluation, each appended with one write(2) so `tail -f` follows
// it and a crash loses no row already printed. Rank 0 alone writes it under mpirun.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/train_state.hpp"
#include "core/unique_fd.hpp"

namespace trainctl {

// The shared contract with `trainctl plot` and other readers (pandas, gnuplot): they locate
// columns by name and treat an empty cell as missing.
constexpr const char* kMetricsCsvHeader =
    "epoch,step,global_step,time_s,lr,loss,samples_per_s,test_loss,test_acc,val_loss,val_acc";

// Step rows when --log-every is 0 (the printed lines come once per epoch then): every 50 steps,
// PyTorch Lightning's log_every_n_steps, so the tutorial's log is a few KB yet draws a curve.
constexpr std::size_t kMetricsDefaultEvery = 50;

// A new run's log: the header alone, written atomically (PATH.tmp, then rename) at `path`.
void start_metrics_csv(const std::string& path);

// A resumed run's log at `path`: the header and the rows of `source` (the checkpoint's run's
// log; `path` itself unless the resume branched into a new run) up to `global_step`, written
// atomically. A missing source gives the header alone (a run logged before there were logs).
// Throws Error naming the file when the source is not a regular file (a symlink is not followed)
// or not a metrics log of this format, before anything is written.
void continue_metrics_csv(const std::string& source, const std::string& path, std::uint64_t global_step);

// The rows of a log's text up to `global_step` (its header first): what continue_metrics_csv
// keeps. A last line without its newline (torn by a full disk) is dropped. Throws Error naming
// `source` and the line when the header is not kMetricsCsvHeader or a global_step is not a number.
std::string metrics_rows_up_to(const std::string& text, const std::string& source, std::uint64_t global_step);

class MetricsLog {
public:
    // Appends to the log at `path` (prepared above; opened without following a symlink) from the
    // state `start`; step rows every `log_every` steps of an epoch (0: kMetricsDefaultEvery).
    MetricsLog(std::string path, std::size_t log_every, const TrainState& start);
    // After each step, with its loss and batch size: a row on the epoch's every Nth and last step.
    void step_end(const TrainState& s, float loss, std::size_t batch);
    // After an epoch's evaluation: its row (nothing when the epoch was not evaluated).
    void epoch_end(const TrainState& s);

private:
    void write_row();  // row_ to the file in one write(2); throws Error (kExitSaveFailed)

    std::string path_;
    UniqueFd fd_;
    std::size_t every_;
    std::string row_;             // reserved once: a row is formatted without allocating
    double window_start_s_;       // training time at the last step row (samples_per_s's window)
    std::uint64_t window_samples_ = 0;
};

}  // namespace trainctl
