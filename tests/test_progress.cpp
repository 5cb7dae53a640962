// Progress on a terminal: a message clears the live bar first (so "trainctl: saved ..." stands
// on its own line) and the bar is redrawn at the next step; close_line ends an open bar once.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>

#include "cmd/render/progress.hpp"
#include "cmd/render/progress_line.hpp"

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
        o.columns = 120;  // not the width of the terminal the tests happen to run in
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

namespace {

ProgressLineFields mid_epoch() {
    ProgressLineFields f;
    f.epoch = 1;
    f.epochs = 2;
    f.step = 938;
    f.steps = 1875;
    f.loss = 0.0412;
    f.acc = 0.9641;
    f.ms_per_step = 0.41;
    f.seconds = 1;
    return f;
}

// The fields a line shows, least droppable first: each width shows a prefix of this list.
std::vector<bool> fields_shown(const std::string& line) {
    return {line.find(" loss ") != std::string::npos, line.find(" acc ") != std::string::npos,
            line.find("ETA ") != std::string::npos, line.find('[') != std::string::npos,
            line.find("ms/step") != std::string::npos};
}

}  // namespace

TEST_CASE("progress line: fits any width, shortening the bar first, then dropping fields in order", "[cmd][progress]") {
    const ProgressLineFields f = mid_epoch();
    CHECK(progress_line(f, 200) ==
          "epoch 1/2  step 938/1875 [===============>..............] loss 0.0412 acc 0.9641 0.41 ms/step ETA 0:00:01");
    // 79: an 80-column terminal's line (its last column stays empty); ms/step went, the bar shrank.
    CHECK(progress_line(f, 79) == "epoch 1/2  step 938/1875 [========>.......] loss 0.0412 acc 0.9641 ETA 0:00:01");
    CHECK(progress_line(f, 59) == "epoch 1/2  step 938/1875 loss 0.0412 acc 0.9641 ETA 0:00:01");
    CHECK(progress_line(f, 39) == "epoch 1/2  step 938/1875 loss 0.0412");
    CHECK(progress_line(f, 10) == "epoch 1/2 ");

    std::size_t shown_before = 5, bar_before = 30;
    for (std::size_t width = 200; width > 0; --width) {
        const std::string line = progress_line(f, width);
        INFO("width " << width << ": " << line);
        REQUIRE(line.size() <= width);
        const std::vector<bool> shown = fields_shown(line);
        const auto count = static_cast<std::size_t>(std::count(shown.begin(), shown.end(), true));
        CHECK(std::is_sorted(shown.begin(), shown.end(), std::greater<>()));  // a prefix
        CHECK(count <= shown_before);  // narrower never shows more
        if (count < shown_before) bar_before = 30;  // a dropped field leaves the bar more room
        shown_before = count;
        const std::size_t open = line.find('['), close = line.find(']');
        if (open == std::string::npos) continue;
        const std::size_t bar = close - open - 1;
        CHECK(bar >= 10);
        CHECK(bar <= bar_before);  // with the same fields, a narrower line has a shorter bar
        bar_before = bar;
    }
}

TEST_CASE("progress line: a finished epoch says how long it took", "[cmd][progress]") {
    ProgressLineFields f = mid_epoch();
    f.step = f.steps;
    f.done = true;
    f.seconds = 3725;
    CHECK(progress_line(f, 200) ==
          "epoch 1/2  step 1875/1875 [==============================] loss 0.0412 acc 0.9641 0.41 ms/step took 1:02:05");
}

TEST_CASE("progress: the live bar shows the epoch's running mean loss, LossMonitor lines the last batch's", "[cmd][progress]") {
    CaptureStreams cap;
    for (bool live : {true, false}) {
        OneEpoch run(live);
        run.s.steps_per_epoch = 2;
        run.s.step_in_epoch = 1;
        run.progress.step_end(run.s, 1.0f, 1, 1);
        run.s.step_in_epoch = 0;  // the epoch's last step: the state has rolled over
        run.s.epoch = 1;
        run.progress.step_end(run.s, 0.0f, 0, 1);
    }
    const std::string out = cap.take_out();
    CHECK(out.find("loss 0.5000 acc 0.5000") != std::string::npos);
    CHECK(out.find("epoch: 1 step: 1, loss is 1\nepoch: 1 step: 2, loss is 0\n") != std::string::npos);
}
