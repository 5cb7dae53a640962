// What `trainctl plot` draws: its RUN arguments found as metrics logs, read, and turned into one
// chart per metric with a series per run.
#pragma once
#include <string>
#include <vector>

#include "cmd/render/chart.hpp"

namespace trainctl {

struct PlotRun {
    std::string path;  // the metrics CSV
    std::string name;  // for the legend: the prefix, with its folder when two runs share one
};

// Each RUN is a metrics CSV, a run DIR/PREFIX (DIR/PREFIX-metrics.csv) or a folder (all its
// *-metrics.csv, sorted). The same file named twice is kept once. Throws usage_error (exit 2):
//   "RUN: no such file, folder or run (nor RUN-metrics.csv)", "DIR: no *-metrics.csv file in the folder"
std::vector<PlotRun> find_plot_runs(const std::vector<std::string>& args);

enum class PlotX { kStep, kEpoch, kTime };

// The charts for `metrics` (empty: loss, val_loss, test_acc, val_acc, each when some run has a
// value) against `x`. Throws Error naming the file, line and column for a malformed log or a
// run without a column asked for; usage_error for a --metric no run's header has.
std::vector<Chart> build_plot_charts(const std::vector<PlotRun>& runs, const std::vector<std::string>& metrics, PlotX x);

}  // namespace trainctl
