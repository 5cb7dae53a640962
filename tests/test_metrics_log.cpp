// The metrics log (cmd/run/metrics_log.hpp): its rows and cells, and what a resume keeps of it:
// the rows up to the checkpoint's global step, never a torn last row, a foreign file refused.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "cmd/run/metrics_log.hpp"
#include "error_of.hpp"
#include "temp_dir.hpp"

using namespace trainctl;
using namespace trainctl::testing;

namespace {

std::string metrics_log_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

const std::string kMetricsLogHeaderLine = std::string(kMetricsCsvHeader) + "\n";

}  // namespace

TEST_CASE("metrics log: step rows every N steps and the epoch's last, an evaluation row after it", "[cmd][metrics]") {
    TempDir tmp("metrics");
    const std::string path = tmp.file("r-metrics.csv");
    start_metrics_csv(path);
    TrainState s;
    s.steps_per_epoch = 5;
    s.lr = 0.01f;
    MetricsLog log(path, 2, s);
    for (int i = 0; i < 5; ++i) {
        ++s.global_step;
        s.elapsed_s += 0.5;
        if (++s.step_in_epoch == s.steps_per_epoch) {
            ++s.epoch;
            s.step_in_epoch = 0;
        }
        log.step_end(s, 0.25f, 10);
    }
    s.has_metrics = true;
    s.metrics_epoch = 1;
    s.metrics_acc = 0.9871;
    s.metrics_loss = 0.0412;
    log.epoch_end(s);
    // samples_per_s: 20 samples in 1 s of training, then the last step's 10 in 0.5 s.
    CHECK(metrics_log_text(path) == kMetricsLogHeaderLine +
                                        "1,2,2,1,0.01,0.25,20,,,,\n"
                                        "1,4,4,2,0.01,0.25,20,,,,\n"
                                        "1,5,5,2.5,0.01,0.25,20,,,,\n"
                                        "1,5,5,2.5,0.01,,,0.0412,0.9871,,\n");
}

TEST_CASE("metrics log: a resume keeps the rows up to its step, drops a torn last row", "[cmd][metrics]") {
    const std::string text = kMetricsLogHeaderLine + "1,2,2,1,0.01,0.25,20,,,,\n1,4,4,2,0.01,0.25,20,,,,\n"
                             "1,4,4,2,0.01,,,0.04,0.98,,\n2,2,6,3,0.01,0.25,20,,,,\n2,4,8,4,0.0";
    CHECK(metrics_rows_up_to(text, "m.csv", 4) ==
          kMetricsLogHeaderLine + "1,2,2,1,0.01,0.25,20,,,,\n1,4,4,2,0.01,0.25,20,,,,\n1,4,4,2,0.01,,,0.04,0.98,,\n");
    CHECK(metrics_rows_up_to(text, "m.csv", 0) == kMetricsLogHeaderLine);
    CHECK(metrics_rows_up_to(text, "m.csv", 100) == text.substr(0, text.rfind('\n') + 1));
    CHECK(metrics_rows_up_to(kMetricsCsvHeader, "m.csv", 5) == kMetricsLogHeaderLine);  // header without newline
}

TEST_CASE("metrics log: a file of another format is refused, naming it and the line", "[cmd][metrics]") {
    CHECK(error_of([] { metrics_rows_up_to("a,b\n1,2\n", "m.csv", 1); }).second ==
          "m.csv: line 1 is \"a,b\", expected the metrics log header \"" + std::string(kMetricsCsvHeader) +
              "\" (move the file away to start a new log)");
    CHECK(error_of([] { metrics_rows_up_to(kMetricsLogHeaderLine + "1,2,2,1\n1,4,x,2\n", "m.csv", 9); }).second ==
          "m.csv: line 3: global_step is not a number in \"1,4,x,2\" (move the file away to start a new log)");
}

TEST_CASE("metrics log: a resume rewrites the file by rename; a symlink there is refused, not followed",
          "[cmd][metrics]") {
    TempDir tmp("metrics");
    const std::string path = tmp.file("r-metrics.csv");
    std::ofstream(path) << kMetricsLogHeaderLine << "1,2,2,1,0.01,0.25,20,,,,\n1,4,4,2,0.01,0.25,20,,,,\n";
    continue_metrics_csv(path, path, 2);
    CHECK(metrics_log_text(path) == kMetricsLogHeaderLine + "1,2,2,1,0.01,0.25,20,,,,\n");
    const std::string target = tmp.file("target"), link = tmp.file("l-metrics.csv");
    std::ofstream(target) << "mine\n";
    std::filesystem::create_symlink(target, link);
    const auto [code, message] = error_of([&] { continue_metrics_csv(link, link, 2); });
    CHECK(code == kExitSaveFailed);
    CHECK(message.find("l-metrics.csv: the run's metrics log is not a regular file") != std::string::npos);
    CHECK(metrics_log_text(target) == "mine\n");
    continue_metrics_csv(tmp.file("missing.csv"), tmp.file("new-metrics.csv"), 7);  // no log yet: the header
    CHECK(metrics_log_text(tmp.file("new-metrics.csv")) == kMetricsLogHeaderLine);
}
