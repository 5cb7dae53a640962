// Progress bar, LossMonitor lines and metrics lines.
#include "cmd/render/progress.hpp"

#include <unistd.h>

#include <iostream>

#include "cmd/render/progress_line.hpp"
#include "cmd/render/term_width.hpp"
#include "core/float_text.hpp"

namespace trainctl {

namespace {
using Clock = std::chrono::steady_clock;
constexpr double kRedrawSeconds = 0.1;
constexpr std::size_t kDefaultColumns = 80;  // a terminal that does not tell its size
}  // namespace

void Progress::epoch_begin(const TrainState& s) {
    epoch_start_ = last_draw_ = Clock::now();
    steps_this_session_ = 0;
    first_step_ = s.step_in_epoch;
    seen_ = correct_ = 0;
    loss_sum_ = 0;
}

void Progress::step_end(const TrainState& s, float loss, std::size_t correct, std::size_t batch) {
    ++steps_this_session_;
    seen_ += batch;
    correct_ += correct;
    loss_sum_ += static_cast<double>(loss) * static_cast<double>(batch);
    if (opt_.quiet) return;
    // After an epoch's last step the state has rolled over; name it as epoch N, step max.
    const bool epoch_done = s.step_in_epoch == 0;
    const std::uint64_t epoch = epoch_done ? s.epoch : s.epoch + 1;
    const std::uint64_t step = epoch_done ? s.steps_per_epoch : s.step_in_epoch;
    if (opt_.live) {
        if (epoch_done || redraw_ || std::chrono::duration<double>(Clock::now() - last_draw_).count() >= kRedrawSeconds)
            draw_bar(s, step, epoch_done);
        return;
    }
    const std::uint64_t every = opt_.log_every ? opt_.log_every : s.steps_per_epoch;
    if (step % every == 0 || epoch_done)
        std::cout << "epoch: " << epoch << " step: " << step << ", loss is " << shortest_float_text(loss) << "\n"
                  << std::flush;
}

void Progress::draw_bar(const TrainState& s, std::uint64_t step, bool final_draw) {
    last_draw_ = Clock::now();
    const double elapsed = std::chrono::duration<double>(last_draw_ - epoch_start_).count();
    ProgressLineFields f;
    f.epoch = final_draw ? s.epoch : s.epoch + 1;
    f.epochs = opt_.epochs;
    f.step = step;
    f.steps = s.steps_per_epoch;
    f.loss = seen_ ? loss_sum_ / static_cast<double>(seen_) : 0.0;
    f.acc = seen_ ? static_cast<double>(correct_) / static_cast<double>(seen_) : 0.0;
    f.ms_per_step = steps_this_session_ ? 1000.0 * elapsed / static_cast<double>(steps_this_session_) : 0;
    f.seconds = final_draw ? elapsed : f.ms_per_step * static_cast<double>(s.steps_per_epoch - step) / 1000.0;
    f.done = final_draw;
    // Asked at every redraw (at most 10 a second), so a resized window is followed at once.
    std::size_t columns = opt_.columns ? opt_.columns : terminal_columns(STDOUT_FILENO);
    if (columns == 0) columns = kDefaultColumns;
    // The last column stays empty: a character there leaves some terminals about to wrap.
    std::cout << "\r" << progress_line(f, columns - 1) << "\x1b[K" << (final_draw ? "\n" : "") << std::flush;
    bar_open_ = !final_draw;
    redraw_ = false;
}

void Progress::message(const std::string& line) {
    if (bar_open_) {
        std::cout << "\r\x1b[K" << std::flush;
        bar_open_ = false;
        redraw_ = true;
    }
    std::cerr << line << "\n";
}

void Progress::refresh(const TrainState& s) {
    if (bar_open_) draw_bar(s, s.step_in_epoch, false);
}

void Progress::close_line() {
    if (!bar_open_) return;
    std::cout << "\n" << std::flush;
    bar_open_ = false;
}

void Progress::epoch_end(const TrainState& s) {
    const bool val = s.has_val && s.val_epoch == s.epoch, test = s.has_metrics && s.metrics_epoch == s.epoch;
    if (!val && !test) return;
    if (opt_.quiet && s.epoch < opt_.epochs && !s.stopped_early) return;
    // The validation set's first, under Keras' val_ names; the test set's keep the names eval prints.
    char val_part[80] = "", test_part[64] = "";
    if (val)
        std::snprintf(val_part, sizeof val_part, "\"val_acc\": %.4f, \"val_loss\": %.4f%s", s.val_acc, s.val_loss,
                      test ? ", " : "");
    if (test) std::snprintf(test_part, sizeof test_part, "\"acc\": %.4f, \"loss\": %.4f", s.metrics_acc, s.metrics_loss);
    std::cout << "Metrics: {" << val_part << test_part << "}\n" << std::flush;
}

}  // namespace trainctl
