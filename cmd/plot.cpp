// `trainctl plot RUN...`: the runs' metrics logs as charts, one per metric with the runs overlaid:
// braille in a terminal, a table in a pipe or CI log, a PNG with --save (docs/plot.md).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cmd/commands.hpp"
#include "cmd/plot_runs.hpp"
#include "cmd/render/chart_png.hpp"
#include "cmd/render/chart_term.hpp"
#include "cmd/render/png_write.hpp"
#include "cmd/render/term_grid.hpp"
#include "cmd/render/term_width.hpp"
#include "cmd/same_file.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"

namespace trainctl {

namespace {

constexpr std::size_t kTerminalChartRows = 12;  // text lines of plot area: two charts fit a 40-line terminal

struct PlotOptions {
    std::vector<std::string> runs;
    std::vector<std::string> metrics;
    std::string save;
    std::string x = "step";
};

// --save replaces a regular file by rename; anything else at that name is left for the user.
void check_save_path(const std::string& save, const std::vector<PlotRun>& runs) {
    if (save.size() < 5 || !(ends_with(save, ".png") || ends_with(save, ".PNG")))
        throw usage_error("--save " + save + ": expected a file name ending in .png");
    struct stat st {};
    if (::lstat(save.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        throw usage_error("--save " + save + ": is a symbolic link; plot does not write through links: remove it or choose another path");
    if (::lstat(save.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        throw usage_error("--save " + save + ": exists and is not a regular file; choose another path");
    std::vector<CommandInput> inputs;
    for (const PlotRun& run : runs) inputs.push_back({"a metrics log", "RUN", run.path});
    refuse_output_over_input("--save", save, inputs);
}

void run_plot(const PlotOptions& opt) {
    const std::vector<PlotRun> runs = find_plot_runs(opt.runs);
    if (!opt.save.empty()) check_save_path(opt.save, runs);
    std::vector<std::string> metrics;
    for (const std::string& m : opt.metrics) {
        if (m.empty()) throw usage_error("--metric: empty name in the list, expected e.g. --metric loss,test_acc");
        if (std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
    }
    const PlotX x = opt.x == "epoch" ? PlotX::kEpoch : opt.x == "time" ? PlotX::kTime : PlotX::kStep;
    const std::vector<Chart> charts = build_plot_charts(runs, metrics, x);
    if (!opt.save.empty()) {
        const Canvas canvas = render_chart_png(charts);
        write_png_rgb(opt.save, canvas.width, canvas.height, canvas.rgb);
        std::cerr << "trainctl: saved " << opt.save << " (" << canvas.width << "x" << canvas.height << ")\n";
        return;
    }
    const std::size_t columns = terminal_columns(STDOUT_FILENO);
    const bool tty = isatty(STDOUT_FILENO);
    for (std::size_t i = 0; i < charts.size(); ++i) {
        if (i) std::cout << "\n";
        std::cout << (tty ? render_terminal_chart(charts[i], columns ? columns : 80, kTerminalChartRows, stdout_wants_colour())
                          : render_chart_table(charts[i]));
    }
    std::cout << std::flush;
}

}  // namespace

void setup_plot(CLI::App& app) {
    auto opt = std::make_shared<PlotOptions>();
    CLI::App* sub = app.add_subcommand(
        "plot", "Draw runs' metrics logs (loss, test_acc, ...) as charts: in the terminal, as a table, or as a PNG");
    sub->add_option("RUN", opt->runs,
                    "a metrics CSV, a run DIR/PREFIX (DIR/PREFIX-metrics.csv) or a folder (all its runs); "
                    "several are overlaid")->required();
    sub->add_option("--metric", opt->metrics,
                    "columns to chart, one chart each (default: loss, test_acc, and val_loss, val_acc when logged)")
        ->delimiter(',')->allow_extra_args(false);  // one value a flag: `--metric loss RUN` leaves RUN a RUN
    sub->add_option("--x", opt->x, "x axis: global step, epoch (fractional) or time in seconds")
        ->check(CLI::IsMember({"step", "epoch", "time"}))->capture_default_str();
    sub->add_option("--save", opt->save, "write the charts as one PNG file instead");
    sub->callback([opt] { run_plot(*opt); });
}

}  // namespace trainctl
