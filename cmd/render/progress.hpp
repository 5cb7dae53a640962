// What a training run prints: a live bar on a terminal, LossMonitor lines otherwise.
#pragma once
#include <chrono>
#include <cstdio>
#include <string>

#include "core/train_state.hpp"

namespace trainctl {

struct ProgressOptions {
    bool live = false;          // redraw one line per epoch (stdout is a terminal)
    bool quiet = false;         // only the final metrics
    std::size_t log_every = 0;  // LossMonitor line every N steps; 0 = once per epoch
    std::size_t epochs = 0;
    std::size_t columns = 0;    // live bar's terminal width; 0 = ask stdout's terminal at each redraw
};

class Progress {
public:
    explicit Progress(const ProgressOptions& options) : opt_(options) {}
    void epoch_begin(const TrainState& s);
    void step_end(const TrainState& s, float loss, std::size_t correct, std::size_t batch);
    // After evaluation; prints `Metrics: {"acc": 0.9702, "loss": 0.1053}`, with a validation set
    // `Metrics: {"val_acc": 0.9688, "val_loss": 0.1102}` (and the test set's after the last epoch).
    void epoch_end(const TrainState& s);
    // One line on stderr ("trainctl: saved ..."): a live bar is cleared first, so the line
    // stands alone, and redrawn below it at the next step.
    void message(const std::string& line);
    // Ends a live bar's line, so what follows (an error, the stop message) starts on its own.
    void close_line();
    // Brings a live bar up to the state's step: a stop between redraws would leave it behind.
    void refresh(const TrainState& s);

private:
    void draw_bar(const TrainState& s, std::uint64_t step_1based, bool final_draw);

    ProgressOptions opt_;
    std::chrono::steady_clock::time_point epoch_start_{}, last_draw_{};
    std::uint64_t steps_this_session_ = 0;  // steps run since epoch_begin (resume may start mid-epoch)
    std::uint64_t first_step_ = 0;
    std::size_t seen_ = 0, correct_ = 0;
    double loss_sum_ = 0;  // of loss * batch: the bar shows the epoch's running mean

    bool bar_open_ = false;  // a live bar is on screen without its newline
    bool redraw_ = false;    // a message cleared the bar: draw it at the next step
};


}  // namespace trainctl
