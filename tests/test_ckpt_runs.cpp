// Runs in a directory: grouped by run_prefix, ordered by the wall-clock saved_at (not by steps),
// and a diverged breakpoint marks the files of its run at or past its step.
#include <catch2/catch.hpp>

#include "cmd/run/ckpt_marks.hpp"
#include "cmd/run/ckpt_runs.hpp"

using namespace trainctl;

namespace {
DirCkpt ckpt(const std::string& run, const std::string& file, std::uint64_t step, double saved_at,
             const std::string& diverged = "", CkptKind kind = CkptKind::kStep) {
    DirCkpt c;
    c.run = run;
    c.file = file;
    c.global_step = step;
    c.saved_at = saved_at;
    c.diverged = diverged;
    c.kind = kind;
    return c;
}
}  // namespace

TEST_CASE("ckpt runs: the run saved last comes last, whatever its steps", "[cmd][ckpt]") {
    // Issue 17: lenet finished at step 7500, lenet_2 stopped later at step 594.
    const std::vector<DirRun> runs = group_runs({ckpt("lenet", "lenet-4_1875.ckpt", 7500, 100.0),
                                                 ckpt("lenet_2", "lenet_2-1_594_breakpoint.ckpt", 594, 200.0, "", CkptKind::kBreakpoint),
                                                 ckpt("lenet", "lenet-3_1875.ckpt", 5625, 90.0)});
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].prefix == "lenet");
    CHECK(runs[0].active_at == 100.0);
    CHECK(runs[0].ckpts.front().file == "lenet-4_1875.ckpt");  // newest first
    CHECK(runs[1].prefix == "lenet_2");
}

TEST_CASE("ckpt runs: a diverged breakpoint marks its run's files at or past its step", "[cmd][ckpt]") {
    const std::vector<DirRun> runs = group_runs({ckpt("r", "r-1_3.ckpt", 3, 1), ckpt("r", "r-1_4.ckpt", 4, 2),
                                                 ckpt("r", "r-1_4_breakpoint.ckpt", 4, 3, "loss nan at global step 5", CkptKind::kBreakpoint),
                                                 ckpt("s", "s-1_9.ckpt", 9, 0)});
    REQUIRE(runs.size() == 2);
    const DirRun& r = runs[1];
    REQUIRE(r.ckpts.size() == 3);
    CHECK(r.ckpts[0].file == "r-1_4.ckpt");  // a step file before a breakpoint of the same step, by name
    CHECK(r.ckpts[0].diverged == "the state of diverged r-1_4_breakpoint.ckpt");
    CHECK(r.ckpts[1].diverged == "loss nan at global step 5");
    CHECK(r.ckpts[2].diverged.empty());
    CHECK(runs[0].ckpts[0].diverged.empty());  // another run is not touched
}

TEST_CASE("ckpt marks: saved_at round-trips and a malformed value is ignored", "[cmd][ckpt]") {
    const std::string now = saved_at_now();
    CHECK(now.size() == std::string("2026-12-01T18:05:20.123456Z").size());
    const auto seconds = saved_at_seconds({{kMetaSavedAt, now}});
    REQUIRE(seconds.has_value());
    CHECK(*seconds > 1.7e9);
    CHECK(saved_at_seconds({{kMetaSavedAt, "2026-12-01T18:05:20.000001Z"}}).value() == Approx(1796148320.000001).epsilon(1e-15));
    CHECK_FALSE(saved_at_seconds({{kMetaSavedAt, "yesterday"}}).has_value());
    CHECK_FALSE(saved_at_seconds({{kMetaSavedAt, "2026-12-01T18:05:20.000001Zjunk"}}).has_value());
    CHECK_FALSE(saved_at_seconds({}).has_value());
    CHECK(diverged_note({{kMetaDiverged, "loss nan at global step 5"}}) == "loss nan at global step 5");
    CHECK(diverged_note({}).empty());
}
