// trainctl plot's pieces: the metrics CSV reader, axis ticks, anti-aliased coverage, the
// terminal chart's width and the table.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "cmd/metrics_csv.hpp"
#include "cmd/render/chart.hpp"
#include "cmd/render/chart_png.hpp"
#include "cmd/render/chart_term.hpp"
#include "cmd/render/coverage.hpp"
#include "error_of.hpp"
#include "temp_dir.hpp"

using namespace trainctl;
using trainctl::testing::error_of;
using trainctl::testing::TempDir;

namespace {

const char* const kPlotCsvHeader = "epoch,step,global_step,time_s,lr,loss,samples_per_s,test_loss,test_acc,val_loss,val_acc\n";

std::string plot_csv_file(const TempDir& dir, const std::string& text) {
    const std::string path = dir.file("run-metrics.csv");
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

// The error a read of `text` throws, with the temp folder's path cut off.
std::string plot_csv_error(const std::string& text) {
    TempDir dir("plotcsv");
    const std::string path = plot_csv_file(dir, text);
    auto [code, message] = error_of([&] { read_metrics_csv(path, {"global_step", "loss", "test_acc"}); });
    CHECK(code == kExitError);
    return message.rfind(path, 0) == 0 ? message.substr(path.size()) : message;
}

// Columns of text a terminal shows for `line`: code points, escape sequences skipped.
std::size_t plot_screen_columns(const std::string& line) {
    std::size_t cols = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\x1b') {
            while (i < line.size() && line[i] != 'm') ++i;
            continue;
        }
        if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++cols;
    }
    return cols;
}

Chart plot_two_run_chart() {
    Chart chart;
    chart.title = "training loss";
    chart.y_label = "loss";
    chart.x_label = "global step";
    chart.log_y = true;
    ChartSeries a{"lenet5-mnist", 0, {}, {}, false}, b{"lenet5-adam", 1, {}, {}, true};
    for (int i = 1; i <= 20; ++i) {
        a.x.push_back(i * 50), a.y.push_back(2.3 * std::exp(-0.004 * i * 50));
        if (i % 5 == 0) b.x.push_back(i * 50), b.y.push_back(2.3 * std::exp(-0.01 * i * 50));
    }
    chart.series = {a, b};
    return chart;
}

}  // namespace

TEST_CASE("metrics CSV: columns by header name, unknown columns skipped, empty cells missing", "[cmd][plot]") {
    TempDir dir("plotcsv");
    // Columns reordered, an unknown text column, CRLF ends, a blank line, a spreadsheet's BOM.
    const std::string path = plot_csv_file(dir, "\xEF\xBB\xBFnote,loss,global_step,test_acc\r\n"
                                                "warm up,2.5,50,\r\n\r\n"
                                                "x,,100,0.91\r\n");
    const MetricsCsv csv = read_metrics_csv(path, {"global_step", "loss", "test_acc", "val_acc"});
    REQUIRE(csv.rows == 2);
    CHECK(csv.has("loss"));
    CHECK_FALSE(csv.has("val_acc"));
    CHECK_FALSE(csv.has("note"));
    CHECK(csv.column("global_step") == std::vector<double>{50, 100});
    CHECK(csv.column("loss")[0] == 2.5);
    CHECK(std::isnan(csv.column("loss")[1]));
    CHECK(std::isnan(csv.column("test_acc")[0]));
    CHECK(csv.column("test_acc")[1] == 0.91);
}

TEST_CASE("metrics CSV: a last row still being written is left out, a complete one is read", "[cmd][plot]") {
    TempDir dir("plotcsv");
    const std::string partial = std::string(kPlotCsvHeader) + "1,50,50,0.1,0.01,2.3,900,,,,\n1,100,100,0.2";
    CHECK(read_metrics_csv(plot_csv_file(dir, partial), {"loss"}).rows == 1);
    const std::string unterminated = std::string(kPlotCsvHeader) + "1,50,50,0.1,0.01,2.3,900,,,,";
    CHECK(read_metrics_csv(plot_csv_file(dir, unterminated), {"loss"}).rows == 1);
}

TEST_CASE("metrics CSV: malformed files fail in one line naming the line and column", "[cmd][plot]") {
    const std::string h = kPlotCsvHeader;
    CHECK(plot_csv_error(h + "1,50,50,0.1,0.01,2.3x,900,,,,\n") ==
          ": line 2, column \"loss\": expected a number or an empty cell, found \"2.3x\"");
    CHECK(plot_csv_error(h + "1,50,50,0.1,0.01,2.3,900,,,,\n1,100,100,0.2,0.01,2.0,900,,\n") ==
          ": line 3: 9 cells, the header has 11");
    CHECK(plot_csv_error("1,50,50,0.1,0.01,2.3,900,,,,\n") ==
          ": line 1: expected the header of a metrics CSV (epoch,step,global_step,...), found a row of numbers "
          "\"1,50,50,0.1,0.01,2.3,900,,,,\"");
    CHECK(plot_csv_error(std::string("\x89PNG\r\n\x1a\n\0\0\0", 12)) ==
          ": line 1: expected the header of a metrics CSV (epoch,step,global_step,...), found \"?PNG\"");
    CHECK(plot_csv_error("loss,global_step,loss\n") == ": line 1: header names column \"loss\" twice");
    CHECK(plot_csv_error("") == ": empty file, expected a metrics CSV with a header line");
}

TEST_CASE("chart axes: nice linear ticks, log ticks at powers of ten", "[cmd][plot]") {
    const ChartAxis x = linear_axis(50, 2814, 7, true);
    CHECK(x.lo == 50);
    CHECK(x.hi == 2814);
    CHECK(x.ticks == std::vector<double>{500, 1000, 1500, 2000, 2500});
    CHECK(x.labels == std::vector<std::string>{"500", "1000", "1500", "2000", "2500"});
    const ChartAxis acc = linear_axis(0.9612, 0.9931, 5, false);  // widened to ticks at both ends
    CHECK(acc.labels == std::vector<std::string>{"0.96", "0.97", "0.98", "0.99", "1.00"});
    CHECK(acc.lo == Approx(0.96));
    CHECK(acc.hi == Approx(1.0));
    const ChartAxis loss = log_axis(0.008, 2.6);
    CHECK(loss.labels == std::vector<std::string>{"0.01", "0.1", "1"});
    CHECK(loss.position(0.1) == Approx((std::log10(0.1) - std::log10(0.008)) / (std::log10(2.6) - std::log10(0.008))));
    CHECK(log_axis(0.03, 0.7).labels == std::vector<std::string>{"0.05", "0.1", "0.2", "0.5"});
}

TEST_CASE("coverage: a diagonal line is anti-aliased (partly covered pixels), a disc is round", "[cmd][plot]") {
    CoverageMask mask(20, 20);
    mask.segment(2, 3, 17, 11, 2);
    Canvas canvas;
    canvas.width = canvas.height = 20;
    canvas.rgb.assign(20 * 20 * 3, 255);
    mask.blend_onto(canvas, 0, 0, {0, 0, 0});
    std::size_t full = 0, partial = 0;
    for (std::size_t i = 0; i < 400; ++i) {
        full += canvas.rgb[i * 3] == 0;
        partial += canvas.rgb[i * 3] > 0 && canvas.rgb[i * 3] < 255;
    }
    CHECK(full > 10);
    CHECK(partial > 10);  // Bresenham would leave none
}

TEST_CASE("terminal chart: fits the width, one colour per run, NO_COLOR drops escapes", "[cmd][plot]") {
    const Chart chart = plot_two_run_chart();
    for (std::size_t cols : {40u, 80u, 157u}) {
        const std::string text = render_terminal_chart(chart, cols, 10, true);
        std::size_t start = 0, widest = 0, lines = 0;
        while (start < text.size()) {
            const std::size_t nl = text.find('\n', start);
            widest = std::max(widest, plot_screen_columns(text.substr(start, nl - start)));
            start = nl + 1;
            ++lines;
        }
        CHECK(widest <= cols);
        CHECK(lines == (cols < 60 ? 10 + 6 : 10 + 5));  // title (legend), y label, 10 rows, axis, tick labels, x label
        CHECK(text.find("\x1b[34m") != std::string::npos);
        CHECK(text.find("\x1b[33m") != std::string::npos);
        CHECK(text.find("\u25A0") != std::string::npos);  // the second run's evaluation markers
    }
    const std::string plain = render_terminal_chart(chart, 80, 10, false);
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(plain.find("0.1\u2524") != std::string::npos);  // a log tick at a power of ten
}

TEST_CASE("chart table: each run's value at the x ticks, '-' outside its points, its last value", "[cmd][plot]") {
    const std::string table = render_chart_table(plot_two_run_chart());
    CHECK(table ==
          "training loss (loss)\n"
          "global step   lenet5-mnist      lenet5-adam\n"
          "         50          1.883                -\n"
          "        200          1.033                -\n"
          "        400         0.4644           0.1888\n"
          "        600         0.2087           0.0155\n"
          "        800        0.09375         0.001272\n"
          "       1000        0.04213        0.0001044\n"
          "        end  0.04213 @1000  0.0001044 @1000\n");
}

TEST_CASE("chart PNG: panels two a row, each run's colour, anti-aliased shades, text", "[cmd][plot]") {
    const Chart chart = plot_two_run_chart();
    const Canvas one = render_chart_png({chart});
    CHECK(one.width == kChartPanelWidth);
    CHECK(one.height == kChartPanelHeight);
    const Canvas three = render_chart_png({chart, chart, chart});
    CHECK(three.width == 2 * kChartPanelWidth);
    CHECK(three.height == 2 * kChartPanelHeight);
    std::size_t blue = 0, orange = 0, blue_shades = 0, dark = 0;
    for (std::size_t i = 0; i < one.width * one.height; ++i) {
        const std::uint8_t r = one.rgb[i * 3], g = one.rgb[i * 3 + 1], b = one.rgb[i * 3 + 2];
        blue += r == 31 && g == 119 && b == 180;
        orange += r == 255 && g == 127 && b == 14;
        blue_shades += b > r + 40 && r > 31 && r < 230 && !(r == 31 && g == 119);  // between the line and white
        dark += r == 40 && g == 40 && b == 40;  // the title, legend and tick labels
    }
    CHECK(blue > 500);
    CHECK(orange > 100);
    CHECK(blue_shades > 200);
    CHECK(dark > 500);
}
