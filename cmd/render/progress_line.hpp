// The live training line, fitted to the terminal's width so that a redraw never wraps (a
// wrapped line is not overwritten by "\r": every redraw would add a screen line).
#pragma once
#include <cstdint>
#include <string>

namespace trainctl {

struct ProgressLineFields {
    std::uint64_t epoch = 0, epochs = 0, step = 0, steps = 0;
    double loss = 0, acc = 0;  // running means over the epoch's steps so far (as Keras shows)
    double ms_per_step = 0;
    double seconds = 0;        // time left, or when `done` the epoch's time
    bool done = false;         // "took 0:00:05" instead of "ETA 0:00:05"
};

// `epoch 1/2  step 938/1875 [======>.....] loss 0.0412 acc 0.9641 0.41 ms/step ETA 0:00:01`
// in at most `width` columns. The bar shrinks from 30 to 10 characters first; then fields are
// dropped in this order: ms/step, the bar, ETA/took, acc, loss; a line still too long is cut.
std::string progress_line(const ProgressLineFields& f, std::size_t width);

// h:mm:ss
std::string format_duration(double seconds);

}  // namespace trainctl
