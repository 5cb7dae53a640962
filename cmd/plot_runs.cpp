// RUN arguments to files, files to charts. Step rows and evaluation rows share the file (docs/
// metrics.md): a training metric is drawn from the step rows, an evaluation metric from the rows
// that carry it, with a marker at each.
#include "cmd/plot_runs.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>

#include "cmd/metrics_csv.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "core/suggest.hpp"

namespace trainctl {
namespace {

const std::string kSuffix = "-metrics.csv";
const std::vector<std::string> kKnownMetrics = {"loss",     "test_loss", "test_acc",      "val_loss",
                                                "val_acc",  "lr",        "samples_per_s", "time_s"};
const std::vector<std::string> kEvalColumns = {"test_loss", "test_acc", "val_loss", "val_acc"};
constexpr std::size_t kMarkedPoints = 20;  // a series this short gets markers (one point per epoch)

std::string base_name(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir_name(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

// The legend name: the run's prefix (the file name without -metrics.csv or .csv).
std::string run_name(const std::string& path) {
    std::string name = base_name(path);
    if (ends_with(name, kSuffix) && name.size() > kSuffix.size()) return name.substr(0, name.size() - kSuffix.size());
    if (ends_with(name, ".csv")) return name.substr(0, name.size() - 4);
    return name;
}

std::vector<std::string> folder_logs(const std::string& dir) {
    std::vector<std::string> found;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (const dirent* e = ::readdir(d)) {
            const std::string name = e->d_name;
            if (ends_with(name, kSuffix) && name.size() > kSuffix.size()) found.push_back(name);
        }
        ::closedir(d);
    }
    std::sort(found.begin(), found.end());
    const std::string prefix = ends_with(dir, "/") ? dir : dir + "/";
    for (std::string& name : found) name = prefix + name;
    return found;
}

std::string header_text(const MetricsCsv& csv) {
    std::string s;
    for (const std::string& h : csv.header) s += (s.empty() ? "" : ",") + h;
    return s.size() > 120 ? s.substr(0, 117) + "..." : s;
}

void require_column(const MetricsCsv& csv, const std::string& name, const std::string& why) {
    if (!csv.has(name))
        throw Error(csv.path + ": line 1: no column \"" + name + "\" (" + why + "); the header has " + header_text(csv));
}

// Steps per epoch from the rows: the global step at an epoch's start (global_step - step) moves by
// it from one epoch to the next; within a single epoch its largest step is the best guess.
double steps_per_epoch(const MetricsCsv& csv) {
    const auto &e = csv.column("epoch"), &s = csv.column("step"), &g = csv.column("global_step");
    double first_e = NAN, first_off = NAN, largest_step = 0;
    for (std::size_t r = 0; r < csv.rows; ++r) {
        if (std::isnan(e[r]) || std::isnan(s[r]) || std::isnan(g[r])) continue;
        largest_step = std::max(largest_step, s[r]);
        if (std::isnan(first_e)) first_e = e[r], first_off = g[r] - s[r];
        else if (e[r] != first_e && g[r] - s[r] != first_off) return (g[r] - s[r] - first_off) / (e[r] - first_e);
    }
    if (largest_step > 0) return largest_step;
    throw Error(csv.path + ": no row with epoch, step and global_step to tell the steps per epoch from (--x epoch)");
}

}  // namespace

std::vector<PlotRun> find_plot_runs(const std::vector<std::string>& args) {
    std::vector<PlotRun> runs;
    std::vector<std::pair<dev_t, ino_t>> seen;
    auto add = [&](const std::string& path) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0) {
            const std::pair<dev_t, ino_t> id{st.st_dev, st.st_ino};
            if (std::find(seen.begin(), seen.end(), id) != seen.end()) return;
            seen.push_back(id);
        }
        runs.push_back({path, run_name(path)});
    };
    for (const std::string& arg : args) {
        struct stat st {};
        if (::stat(arg.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
            const std::vector<std::string> logs = folder_logs(arg);
            if (logs.empty())
                throw usage_error(arg + ": no *" + kSuffix + " file in the folder, expected runs' metrics logs");
            for (const std::string& log : logs) add(log);
        } else if (::lstat(arg.c_str(), &st) == 0) {
            add(arg);
        } else if (::stat((arg + kSuffix).c_str(), &st) == 0) {
            add(arg + kSuffix);
        } else if (ends_with(arg, ".csv")) {
            throw usage_error(arg + ": no such file, expected a metrics CSV");
        } else {
            throw usage_error(arg + ": no such file, folder or run (nor " + arg + kSuffix +
                              "), expected a metrics CSV, a run DIR/PREFIX or a folder of runs");
        }
    }
    // Two runs of one prefix in different folders: named by folder too, or by their whole path
    // when the folders' names are the same as well (a/x/lenet, b/x/lenet).
    const auto rename_duplicates = [&](std::string (*name_of)(const std::string&)) {
        std::vector<bool> duplicate(runs.size());
        for (std::size_t i = 0; i < runs.size(); ++i)
            duplicate[i] = std::count_if(runs.begin(), runs.end(), [&](const PlotRun& o) { return o.name == runs[i].name; }) > 1;
        for (std::size_t i = 0; i < runs.size(); ++i)
            if (duplicate[i]) runs[i].name = name_of(runs[i].path);
    };
    rename_duplicates([](const std::string& p) { return base_name(dir_name(p)) + "/" + run_name(p); });
    rename_duplicates([](const std::string& p) { return dir_name(p) + "/" + run_name(p); });
    return runs;
}

namespace {

// Refuses a --metric that is neither a column of the format nor in any run's header.
void refuse_unknown_metrics(const std::vector<std::string>& metrics, const std::vector<MetricsCsv>& logs) {
    for (const std::string& m : metrics) {
        if (std::find(kKnownMetrics.begin(), kKnownMetrics.end(), m) != kKnownMetrics.end()) continue;
        if (std::any_of(logs.begin(), logs.end(), [&](const MetricsCsv& c) { return c.has(m); })) continue;
        std::string known, hint = closest_name(m, kKnownMetrics);
        for (const std::string& k : kKnownMetrics) known += (known.empty() ? "" : ", ") + k;
        throw usage_error("--metric " + m + ": no run's metrics log has this column; expected one of " + known +
                          (hint.empty() ? "" : " (did you mean " + hint + "?)"));
    }
}

// Each row's x (NaN where its cell is empty).
std::vector<double> x_values(const MetricsCsv& csv, PlotX x) {
    const std::string why = std::string("the x axis of --x ") + (x == PlotX::kTime ? "time" : x == PlotX::kEpoch ? "epoch" : "step");
    const std::string column = x == PlotX::kTime ? "time_s" : "global_step";
    require_column(csv, column, why);
    std::vector<double> xs = csv.column(column);
    if (x == PlotX::kEpoch) {
        require_column(csv, "epoch", why);
        require_column(csv, "step", why);
        const double spe = steps_per_epoch(csv);
        for (double& v : xs) v /= spe;
    }
    return xs;
}

// Which rows hold an evaluation result.
std::vector<bool> evaluation_rows(const MetricsCsv& csv) {
    std::vector<bool> eval(csv.rows, false);
    for (const std::string& c : kEvalColumns)
        if (csv.has(c))
            for (std::size_t r = 0; r < csv.rows; ++r) eval[r] = eval[r] || !std::isnan(csv.column(c)[r]);
    return eval;
}

// Metric `m` of one run. A training metric comes from the step rows when there are any (an
// evaluation row may repeat the epoch's mean loss, which would zigzag across the step losses).
ChartSeries series_of(const MetricsCsv& csv, const std::string& m, const std::vector<double>& xs,
                      const std::vector<bool>& eval_row) {
    const bool eval_metric = std::find(kEvalColumns.begin(), kEvalColumns.end(), m) != kEvalColumns.end();
    const std::vector<double>& y = csv.column(m);
    bool step_rows = false;
    for (std::size_t r = 0; r < csv.rows && !eval_metric && !step_rows; ++r)
        step_rows = !eval_row[r] && !std::isnan(y[r]) && !std::isnan(xs[r]);
    ChartSeries s;
    for (std::size_t r = 0; r < csv.rows; ++r) {
        if (std::isnan(y[r]) || std::isnan(xs[r]) || (step_rows && eval_row[r])) continue;
        s.x.push_back(xs[r]);
        s.y.push_back(y[r]);
    }
    s.markers = eval_metric || s.x.size() <= kMarkedPoints;
    return s;
}

Chart empty_chart(const std::string& m, PlotX x) {
    static const std::vector<std::pair<std::string, std::string>> kTitles = {
        {"loss", "training loss"},     {"test_loss", "test loss"},         {"test_acc", "test accuracy"},
        {"val_loss", "validation loss"}, {"val_acc", "validation accuracy"}, {"lr", "learning rate"},
        {"samples_per_s", "training speed"}, {"time_s", "time"}};
    Chart chart;
    chart.title = m;
    for (const auto& [name, title] : kTitles)
        if (name == m) chart.title = title;
    chart.y_label = m;
    chart.x_label = x == PlotX::kTime ? "time (s)" : x == PlotX::kEpoch ? "epoch" : "global step";
    return chart;
}

// One x range for all charts, so a step lines up across them: the span of every point (a chart
// of one point, the last epoch's test score of a --val-split run, pads only when all are alone).
void share_x_range(std::vector<Chart>& charts) {
    double lo = INFINITY, hi = -INFINITY;
    for (const Chart& chart : charts)
        for (const ChartSeries& s : chart.series)
            for (double v : s.x) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!(lo < hi)) {  // no points, or one x for all: chart_range's padded range
        for (const Chart& chart : charts) {
            double a, b;
            chart_range(chart, false, a, b);
            lo = std::min(lo, a), hi = std::max(hi, b);
        }
    }
    for (Chart& chart : charts) chart.x_lo = lo, chart.x_hi = hi;
}

}  // namespace

std::vector<Chart> build_plot_charts(const std::vector<PlotRun>& runs, const std::vector<std::string>& metrics, PlotX x) {
    const bool defaults = metrics.empty();
    const std::vector<std::string> shown = defaults ? std::vector<std::string>{"loss", "val_loss", "test_acc", "val_acc"} : metrics;
    std::vector<std::string> wanted = {"epoch", "step", "global_step", "time_s"};
    // Every column of the shared format is read, so a bad number in any of them is caught.
    for (const std::vector<std::string>* list : {&shown, &kKnownMetrics})
        for (const std::string& m : *list)
            if (std::find(wanted.begin(), wanted.end(), m) == wanted.end()) wanted.push_back(m);
    std::vector<MetricsCsv> logs;
    for (const PlotRun& run : runs) logs.push_back(read_metrics_csv(run.path, wanted));
    refuse_unknown_metrics(metrics, logs);
    std::vector<std::vector<double>> xs;
    std::vector<std::vector<bool>> eval_rows;
    for (const MetricsCsv& csv : logs) {
        xs.push_back(x_values(csv, x));
        eval_rows.push_back(evaluation_rows(csv));
        for (const std::string& m : metrics) require_column(csv, m, "asked for by --metric");
    }

    std::vector<Chart> charts;
    for (const std::string& m : shown) {
        Chart chart = empty_chart(m, x);
        bool any = false;
        for (std::size_t k = 0; k < logs.size(); ++k) {
            if (!logs[k].has(m)) continue;
            chart.series.push_back(series_of(logs[k], m, xs[k], eval_rows[k]));
            chart.series.back().name = runs[k].name;
            chart.series.back().colour = k;
            any = any || !chart.series.back().x.empty();
        }
        if (!any && defaults) continue;  // e.g. no val_loss without --val-split
        if (!any)
            throw Error("--metric " + m + ": no run has a value in this column (" + runs.front().path +
                        (runs.size() > 1 ? ", ..." : "") + ")");
        double lo = INFINITY, hi = 0;
        for (const ChartSeries& s : chart.series)
            for (double v : s.y) lo = std::min(lo, v), hi = std::max(hi, v);
        chart.log_y = ends_with(m, "loss") && lo > 0 && hi > lo * 10;
        charts.push_back(std::move(chart));
    }
    if (charts.empty()) throw Error(runs.front().path + ": no values to plot: the log has no rows with loss or test_acc yet");
    share_x_range(charts);
    return charts;
}

}  // namespace trainctl
