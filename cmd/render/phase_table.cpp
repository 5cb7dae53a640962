// Drawing a run's phase times as a table and as JSON.
#include "cmd/render/phase_table.hpp"

#include <algorithm>
#include <cstdio>

namespace trainctl {
namespace {

double other_s(const PhaseTimes& t) {
    return std::max(0.0, t.wall_s - t.data_s - t.batches_s - t.steps_s - t.eval_s - t.save_s);
}

double pct(double part, double wall) { return wall > 0 ? 100.0 * part / wall : 0.0; }

std::string row(const char* name, double seconds, double wall, const char* what) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-15s %8.3f s %6.1f%%  %s\n", name, seconds, pct(seconds, wall), what);
    return line;
}

}  // namespace

std::string phase_table(const PhaseTimes& t) {
    const double w = t.wall_s;
    char head[96];
    std::snprintf(head, sizeof head, "trainctl: timings: %.3f s wall, %.1f%% outside the training steps\n", w,
                  pct(w - t.steps_s, w));
    return head + row("data loading", t.data_s, w, "read and pack the images (IDX files or image folders)") +
           row("batches", t.batches_s, w, "resize and normalise each step's images") +
           row("training steps", t.steps_s, w, "forward, loss, backward, update") +
           row("evaluation", t.eval_s, w, "the test or validation set after each epoch") +
           row("checkpoints", t.save_s, w, "saves the loop waits for") +
           row("other", other_s(t), w, "config, lock, net init, output");
}

std::string phase_json(const PhaseTimes& t) {
    char line[320];
    std::snprintf(line, sizeof line,
                  "{\"wall_s\": %.3f, \"data_s\": %.3f, \"batches_s\": %.3f, \"steps_s\": %.3f, \"eval_s\": %.3f, "
                  "\"save_s\": %.3f, \"other_s\": %.3f, \"not_steps_pct\": %.1f}",
                  t.wall_s, t.data_s, t.batches_s, t.steps_s, t.eval_s, t.save_s, other_s(t),
                  pct(t.wall_s - t.steps_s, t.wall_s));
    return line;
}

}  // namespace trainctl
