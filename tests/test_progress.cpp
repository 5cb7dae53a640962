// Progress on a terminal: a message clears the live bar first (so "trainctl: saved ..." stands
// on its own line) and the bar is redrawn at the next step; close_line ends an open bar once.
#include <catch2/catch.hpp>
#include <chrono>
#include <iostream>
#include <sstream>
#include <thread>

#include "cmd/progress.hpp"

using namespace trainctl;

namespace {

// Takes what std::cout and std::cerr receive for one scope.
class CaptureStreams {
public:
    CaptureStreams() : old_out_(std::cout.rdbuf(out.rdbuf())), old_err_(std::cerr.rdbuf(err.rdbuf())) {}
    ~CaptureStreams() {
        std::cout.rdbuf(old_out_);
        std::cerr.rdbuf(old_err_);
    }
    std::string take_out() {
        std::string s = out.str();
        out.str("");
        return s;
    }
    std::ostringstream out, err;

private:
    std::streambuf* old_out_;
    std::streambuf* old_err_;
};

// One epoch of 10 steps begun, on a terminal (`live`) or as LossMonitor lines every step.
struct OneEpoch {
    explicit OneEpoch(bool live) : progress(options(live)) {
        s.steps_per_epoch = 10;
        progress.epoch_begin(s);
    }
    static ProgressOptions options(bool live) {
        ProgressOptions o;
        o.live = live;
        o.epochs = 1;
        o.log_every = 1;
        return o;
    }
    void step(std::uint64_t n) {
        s.step_in_epoch = n;
        s.global_step = n;
        progress.step_end(s, 0.5f, 1, 1);
    }
    Progress progress;
    TrainState s;
};

}  // namespace

TEST_CASE("progress: a message clears the live bar, which the next step redraws", "[cmd][progress]") {
    CaptureStreams cap;
    OneEpoch run(true);
    Progress& progress = run.progress;
    run.step(1);  // within the redraw interval of the epoch's start: nothing drawn
    CHECK(cap.take_out().empty());
    progress.message("trainctl: saved a");  // no bar on screen: nothing to clear
    CHECK(cap.take_out().empty());

    std::this_thread::sleep_for(std::chrono::milliseconds(120));  // past the 0.1 s redraw interval
    run.step(2);
    CHECK(cap.take_out().rfind("\repoch 1/1  step 2/10 [", 0) == 0);
    progress.message("trainctl: saved b");
    CHECK(cap.take_out() == "\r\x1b[K");
    CHECK(cap.err.str() == "trainctl: saved a\ntrainctl: saved b\n");
    run.step(3);  // at once, not a redraw interval later
    CHECK(cap.take_out().rfind("\repoch 1/1  step 3/10 [", 0) == 0);
    run.step(4);  // within the redraw interval: the bar still says 3
    cap.take_out();  // (unless this machine took 0.1 s between two calls)
    progress.refresh(run.s);  // as at a stop
    CHECK(cap.take_out().rfind("\repoch 1/1  step 4/10 [", 0) == 0);

    progress.close_line();
    CHECK(cap.take_out() == "\n");
    progress.close_line();  // once
    CHECK(cap.take_out().empty());
}

TEST_CASE("progress: without a live bar a message is just its line", "[cmd][progress]") {
    CaptureStreams cap;
    OneEpoch run(false);
    Progress& progress = run.progress;
    run.step(1);
    progress.message("trainctl: saved a");
    progress.close_line();
    CHECK(cap.take_out() == "epoch: 1 step: 1, loss is 0.5\n");
    CHECK(cap.err.str() == "trainctl: saved a\n");
}
