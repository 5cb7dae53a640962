// Checkpoint file names parse one way only: a prefix may hold "-best", digits, dots and
// underscores anywhere but at its end, and run X's files never count as run X-1's or X-best's.
#include <catch2/catch.hpp>
#include <fstream>
#include <unistd.h>

#include "ckpt_format/ckpt_names.hpp"
#include "ckpt_test_util.hpp"

using namespace trainctl;
using namespace trainctl::testing;

TEST_CASE("ckpt names: prefixes with -best inside, digits, dots and underscores round trip", "[ckpt]") {
    const char* prefixes[] = {"lenet-best-x", "lenet-bestx", "best", "x.best", "lenet_best", "a-1_2", "X-1", "X_1",
                              "v2.0-run_3", "best-lenet", "lenet-best_1", "x-best.y"};
    for (const char* prefix : prefixes)
        for (CkptKind kind : {CkptKind::kStep, CkptKind::kBreakpoint, CkptKind::kBest}) {
            const CkptName name{prefix, 12, 345, kind};
            const std::string file = ckpt_file_name(name);
            INFO(file);
            const auto parsed = parse_ckpt_file_name(file);
            REQUIRE(parsed.has_value());
            CHECK(parsed->prefix == prefix);
            CHECK(parsed->kind == kind);
            CHECK(parsed->epoch == 12);
            CHECK(parsed->step == 345);
            const auto as_own = parse_ckpt_file_name_of(file, prefix);
            REQUIRE(as_own.has_value());
            CHECK(as_own->kind == kind);
        }
}

TEST_CASE("ckpt names: a name no new run writes does not parse", "[ckpt]") {
    for (const char* bad : {"lenet-best-1_2_breakpoint.ckpt",  // run "lenet-best": a reserved prefix
                            "lenet-best-best-1_2.ckpt", "lenet-01_2.ckpt", "lenet-1_02.ckpt", "lenet-0_2.ckpt",
                            "lenet-1_0.ckpt", "lenet-1_2_3_breakpoint.ckpt", ".x-1_2.ckpt", "a b-1_2.ckpt",
                            "a/b-1_2.ckpt", "lenet-1_1000000000000000000.ckpt", "lenet-best-1_2.ckpt.ckpt"}) {
        INFO(bad);
        CHECK_FALSE(parse_ckpt_file_name(bad).has_value());
    }
    REQUIRE(parse_ckpt_file_name("lenet-999999999999999999_1.ckpt").has_value());
}

TEST_CASE("ckpt names: a prefix ending in -best is reserved for another run's best files", "[ckpt]") {
    CHECK(best_files_run_of("lenet-best") == "lenet");
    CHECK(best_files_run_of("a-best-best") == "a-best");
    for (const char* reserved : {"lenet-best", "a-best-best", "-best", "x.y-best"}) {
        INFO(reserved);
        CHECK(is_reserved_prefix(reserved));
    }
    for (const char* fine : {"lenet", "lenet-bestx", "lenet_best", "best", "lenet-best_1", "lenetbest", "-bestx"}) {
        INFO(fine);
        CHECK_FALSE(is_reserved_prefix(fine));
    }
    // Run lenet's best file is run lenet-best's step file by name: the parse says lenet's, and a
    // run that knows its prefix reads it as its own kind; only the metadata settles it.
    const auto parsed = parse_ckpt_file_name("lenet-best-1_20.ckpt");
    REQUIRE(parsed.has_value());
    CHECK(parsed->prefix == "lenet");
    CHECK(parsed->kind == CkptKind::kBest);
    const auto of_lenet = parse_ckpt_file_name_of("lenet-best-1_20.ckpt", "lenet");
    REQUIRE(of_lenet.has_value());
    CHECK(of_lenet->kind == CkptKind::kBest);
    const auto of_old = parse_ckpt_file_name_of("lenet-best-1_20.ckpt", "lenet-best");
    REQUIRE(of_old.has_value());
    CHECK(of_old->kind == CkptKind::kStep);
    CHECK(parse_ckpt_file_name_of("lenet-best-best-1_20.ckpt", "lenet-best")->kind == CkptKind::kBest);
    for (const char* other : {"lenet-1-1_20.ckpt", "lenet_1-1_20.ckpt", "lenet-adam-1_20.ckpt", "lenetx-1_20.ckpt",
                              "lenet-best-1_20_breakpoint.ckpt", "lenet-graph.meta"}) {
        INFO(other);
        CHECK_FALSE(parse_ckpt_file_name_of(other, "lenet").has_value());
    }
    CHECK(is_run_temporary("lenet-best-1_20.ckpt.tmp", "lenet-best"));
}

TEST_CASE("choose_run_prefix: X is free beside runs X-1, X_1-like names, X-best's meta and Xy", "[ckpt]") {
    CkptTempDir dir;
    const std::string d = dir.path.string();
    for (const char* other : {"X-1-1_20.ckpt", "X-1-graph.meta", "X-1-latest", "X-1-2_20_breakpoint.ckpt",
                              "X-adam-best-1_20.ckpt", "X-best-graph.meta", "X-best-latest", "Xy-1_20.ckpt",
                              "X-1_20.ckpt.bak", "X.lock"})
        touch(dir, other);
    CHECK(choose_run_prefix(d, "X") == "X");
    CHECK(choose_run_prefix(d, "X-1") == "X-1_1");
    CHECK(choose_run_prefix(d, "X-adam") == "X-adam_1");
}

TEST_CASE("choose_run_prefix: any of a run's files takes its prefix, a dangling latest pointer too", "[ckpt]") {
    for (const char* own : {"X-1_20.ckpt", "X-1_20_breakpoint.ckpt", "X-best-1_20.ckpt", "X-graph.meta"}) {
        CkptTempDir dir;
        touch(dir, own);
        INFO(own);
        CHECK(choose_run_prefix(dir.path.string(), "X") == "X_1");
    }
    for (const char* leftover : {"X-latest.tmp", "X-3_5.ckpt.tmp", "X-graph.meta.tmp"}) {
        CkptTempDir dir;  // a killed run's temporaries alone: the new run removes them under its lock
        touch(dir, leftover);
        INFO(leftover);
        CHECK(choose_run_prefix(dir.path.string(), "X") == "X");
    }
    CkptTempDir dir;
    REQUIRE(::symlink("X-9_9.ckpt", dir.file("X-latest").c_str()) == 0);
    CHECK(choose_run_prefix(dir.path.string(), "X") == "X_1");
}

TEST_CASE("choose_branch_prefix: a lock file takes a name, a -best prefix always gets _N", "[ckpt]") {
    CkptTempDir dir;
    const std::string d = dir.path.string();
    touch(dir, "lenet-1_20.ckpt");
    CHECK(choose_branch_prefix(d, "lenet") == "lenet_1");
    touch(dir, "lenet_1.lock");  // a branch that has not written anything yet
    CHECK(choose_branch_prefix(d, "lenet") == "lenet_2");
    CHECK(choose_run_prefix(d, "lenet") == "lenet_1");  // a new run checks live locks itself
    CHECK(choose_branch_prefix(d, "old-best") == "old-best_1");
    touch(dir, "old-best_1-graph.meta");
    CHECK(choose_branch_prefix(d, "old-best") == "old-best_2");
}

TEST_CASE("is_run_of_prefix: N is spelled as prefix_N is written", "[ckpt]") {
    CHECK(is_run_of_prefix("lenet_3", "lenet"));
    for (const char* other : {"lenet_0", "lenet_01", "lenet_-1", "lenet_+1", "lenet-1", "lenet-best"}) {
        INFO(other);
        CHECK_FALSE(is_run_of_prefix(other, "lenet"));
    }
}
