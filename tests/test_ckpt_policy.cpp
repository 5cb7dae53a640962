// Checkpoint naming (file names, run prefixes) and the save/keep/best policies, with injected times.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ckpt_format/ckpt_names.hpp"
#include "ckpt_test_util.hpp"
#include "cmd/run/ckpt_policy.hpp"

using namespace trainctl;
using namespace trainctl::testing;

TEST_CASE("ckpt_file_name and parse_ckpt_file_name round trip every kind and prefix", "[ckpt]") {
    struct Case { CkptName name; const char* file; };
    const Case cases[] = {
        {{"lenet", 2, 1875, CkptKind::kStep}, "lenet-2_1875.ckpt"},
        {{"lenet", 2, 1875, CkptKind::kBreakpoint}, "lenet-2_1875_breakpoint.ckpt"},
        {{"lenet", 2, 1875, CkptKind::kBest}, "lenet-best-2_1875.ckpt"},
        {{"lenet-adam", 1, 40, CkptKind::kStep}, "lenet-adam-1_40.ckpt"},
        {{"lenet-adam", 1, 40, CkptKind::kBest}, "lenet-adam-best-1_40.ckpt"},
        {{"my_net_1", 3, 7, CkptKind::kBreakpoint}, "my_net_1-3_7_breakpoint.ckpt"},
        {{"lenet_1", 10, 1, CkptKind::kStep}, "lenet_1-10_1.ckpt"},
    };
    for (const Case& c : cases) {
        INFO(c.file);
        REQUIRE(ckpt_file_name(c.name) == c.file);
        const auto parsed = parse_ckpt_file_name(c.file);
        REQUIRE(parsed.has_value());
        REQUIRE(parsed->prefix == c.name.prefix);
        REQUIRE(parsed->epoch == c.name.epoch);
        REQUIRE(parsed->step == c.name.step);
        REQUIRE(parsed->kind == c.name.kind);
    }
    REQUIRE(graph_meta_name("lenet_1") == "lenet_1-graph.meta");
    REQUIRE(latest_pointer_name("lenet-adam") == "lenet-adam-latest");
}

TEST_CASE("parse_ckpt_file_name rejects names it did not write", "[ckpt]") {
    for (const char* bad : {"lenet-graph.meta", "lenet-latest", "lenet-1_40.ckpt.tmp", "lenet-x_40.ckpt",
                            "lenet-1_.ckpt", "lenet-_4.ckpt", "-1_2.ckpt", "lenet1_2.ckpt", "lenet-1-2.ckpt",
                            "lenet-1_2_3.ckpt", "lenet-1_2.CKPT", "lenet-99999999999999999999_1.ckpt",
                            "lenet-+1_2.ckpt", ".ckpt", "-best-1_2.ckpt"}) {
        INFO(bad);
        REQUIRE_FALSE(parse_ckpt_file_name(bad).has_value());
    }
}

TEST_CASE("choose_run_prefix takes the smallest free prefix_N", "[ckpt]") {
    CkptTempDir dir;
    const std::string d = dir.path.string();
    REQUIRE(choose_run_prefix(d + "/absent", "lenet") == "lenet");
    REQUIRE(choose_run_prefix(d, "lenet") == "lenet");
    touch(dir, "lenet-1_10.ckpt");
    REQUIRE(choose_run_prefix(d, "lenet") == "lenet_1");
    touch(dir, "lenet_1-graph.meta");
    REQUIRE(choose_run_prefix(d, "lenet") == "lenet_2");
    touch(dir, "lenet_3-1_10.ckpt");  // a gap: lenet_2 is still free
    REQUIRE(choose_run_prefix(d, "lenet") == "lenet_2");
    REQUIRE(choose_run_prefix(d, "lenet-adam") == "lenet-adam");
}

TEST_CASE("choose_run_prefix: another run's files do not block the prefix", "[ckpt]") {
    CkptTempDir dir;
    touch(dir, "lenet_1-1_10.ckpt");
    touch(dir, "lenet_1-graph.meta");
    touch(dir, "lenetx-1_10.ckpt");
    REQUIRE(choose_run_prefix(dir.path.string(), "lenet") == "lenet");
}

TEST_CASE("is_run_temporary matches only the temporaries of one prefix's files", "[ckpt]") {
    for (const char* own : {"lenet-1_10.ckpt.tmp", "lenet-1_10_breakpoint.ckpt.tmp", "lenet-best-2_20.ckpt.tmp",
                            "lenet-graph.meta.tmp", "lenet-latest.tmp"}) {
        INFO(own);
        REQUIRE(is_run_temporary(own, "lenet"));
    }
    for (const char* other : {"lenet-1_10.ckpt", "lenet-adam-1_10.ckpt.tmp", "lenet-adam-latest.tmp",
                              "lenet_1-1_10.ckpt.tmp", "lenet.lock", "lenet-notes.tmp", "lenet-1_10.tmp"}) {
        INFO(other);
        REQUIRE_FALSE(is_run_temporary(other, "lenet"));
    }
    REQUIRE(is_run_temporary("lenet-adam-1_10.ckpt.tmp", "lenet-adam"));
    REQUIRE(lock_file_name("lenet_1") == "lenet_1.lock");
}

TEST_CASE("is_run_of_prefix: the prefix itself and prefix_N", "[ckpt]") {
    REQUIRE(is_run_of_prefix("lenet", "lenet"));
    REQUIRE(is_run_of_prefix("lenet_1", "lenet"));
    REQUIRE(is_run_of_prefix("lenet_12", "lenet"));
    REQUIRE(is_run_of_prefix("my_net_1", "my_net"));
    for (const char* other : {"lenet_", "lenet_x", "lenet_1_2", "lenet-adam", "lenetx", "my_net", "le"}) {
        INFO(other);
        REQUIRE_FALSE(is_run_of_prefix(other, "lenet"));
    }
}

namespace {
// What a config's ckpt_steps (a count or "epoch") and ckpt_seconds resolve to.
SaveEvery every(const nlohmann::json& steps, double seconds) {
    const nlohmann::json config = {{"ckpt_steps", steps}, {"ckpt_seconds", seconds}};
    return parse_config(config, {}).ckpt.save;
}
}  // namespace

TEST_CASE("SaveSchedule saves by steps, by seconds, and steps win", "[ckpt]") {
    SaveSchedule steps(every(10, 0), 0);
    REQUIRE_FALSE(steps.due(9, 1e9, false));
    REQUIRE(steps.due(10, 0, false));
    REQUIRE_FALSE(steps.due(11, 0, false));
    REQUIRE(steps.due(20, 0, false));

    SaveSchedule seconds(every(0, 5.0), 100.0);  // the clock is what we pass in
    REQUIRE_FALSE(seconds.due(1, 104.9, false));
    REQUIRE(seconds.due(1, 105.0, false));
    seconds.saved(105.0);
    REQUIRE_FALSE(seconds.due(2, 109.0, false));
    REQUIRE(seconds.due(3, 110.0, false));

    SaveSchedule both(every(10, 1.0), 0);
    REQUIRE_FALSE(both.due(5, 100.0, false));
    REQUIRE(both.due(10, 0.0, false));

    SaveSchedule never(every(0, 0), 0);
    REQUIRE_FALSE(never.due(10, 1e9, false));
    REQUIRE_FALSE(never.due(10, 1e9, true));
}

TEST_CASE("SaveSchedule: \"epoch\" saves at each epoch's end, and wins over seconds", "[ckpt]") {
    for (double seconds : {0.0, 1.0}) {
        const SaveEvery e = every("epoch", seconds);
        REQUIRE(e.kind == SaveEvery::Kind::kEpoch);
        SaveSchedule epoch(e, 0);
        REQUIRE_FALSE(epoch.due(7, 1e9, false));
        REQUIRE(epoch.due(7, 0, true));
    }
    REQUIRE(every(0, 2.5).kind == SaveEvery::Kind::kSeconds);
    REQUIRE(every(0, 2.5).seconds == 2.5);
    REQUIRE(every(3, 2.5).kind == SaveEvery::Kind::kSteps);
    REQUIRE(every(3, 2.5).steps == 3);
    REQUIRE(every(0, 0).kind == SaveEvery::Kind::kNever);
}

TEST_CASE("ckpts_to_delete by keep_max and by keep_per_minutes", "[ckpt]") {
    const std::vector<StepCkpt> files{{"a", 10, 0}, {"b", 20, 30}, {"c", 30, 70},
                                      {"d", 40, 100}, {"e", 50, 130}, {"f", 60, 200}};
    using V = std::vector<std::string>;
    REQUIRE(ckpts_to_delete(files, 2, 0) == V{"a", "b", "c", "d"});
    REQUIRE(ckpts_to_delete(files, 6, 0).empty());
    REQUIRE(ckpts_to_delete(files, 10, 1.0).empty());  // keep_max wins over keep_per_minutes
    // One per minute: a (first), c (70 s >= 60 after a), e (60 s after c), and f, the newest.
    REQUIRE(ckpts_to_delete(files, 0, 1.0) == V{"b", "d"});
    REQUIRE(ckpts_to_delete(files, 0, 10.0) == V{"b", "c", "d", "e"});
    REQUIRE(ckpts_to_delete(files, 0, 0).empty());
    REQUIRE(ckpts_to_delete({}, 0, 1.0).empty());
}

TEST_CASE("enters_best and trim_best keep the k best, older first on ties", "[ckpt]") {
    REQUIRE_FALSE(enters_best({}, 0.9, true, 0));
    REQUIRE(enters_best({}, 0.1, true, 2));

    std::vector<BestCkpt> acc{{"a", 0.90, 10}, {"b", 0.95, 20}};
    REQUIRE(enters_best(acc, 0.92, true, 2));
    REQUIRE_FALSE(enters_best(acc, 0.90, true, 2));  // a tie keeps the older one
    REQUIRE_FALSE(enters_best(acc, 0.85, true, 2));
    REQUIRE(enters_best(acc, 0.85, true, 3));
    acc.push_back({"c", 0.92, 30});
    REQUIRE(trim_best(acc, true, 2) == std::vector<std::string>{"a"});
    REQUIRE(acc.size() == 2);
    REQUIRE(acc[0].file == "b");
    REQUIRE(acc[1].file == "c");

    std::vector<BestCkpt> loss{{"a", 0.30, 10}, {"b", 0.20, 20}};
    REQUIRE(enters_best(loss, 0.25, false, 2));
    REQUIRE_FALSE(enters_best(loss, 0.30, false, 2));
    REQUIRE_FALSE(enters_best(loss, 0.35, false, 2));
    loss.push_back({"c", 0.25, 30});
    REQUIRE(trim_best(loss, false, 1) == std::vector<std::string>{"a", "c"});
    REQUIRE(loss.front().file == "b");

    std::vector<BestCkpt> tie{{"new", 0.9, 20}, {"old", 0.9, 10}};
    REQUIRE(trim_best(tie, true, 1) == std::vector<std::string>{"new"});
}
