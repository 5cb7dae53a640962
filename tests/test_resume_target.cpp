// What a resume may change and where it writes: the keys it keeps (cmd/resume_fixed_keys.hpp),
// refused with where the value came from and what to run instead; a new run asked for by --out
// or --prefix, a directory spelled another way being the same one (cmd/run/resume_target.hpp).
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cmd/resume_fixed_keys.hpp"
#include "cmd/run/resume_target.hpp"
#include "core/error.hpp"
#include "error_of.hpp"
#include "temp_dir.hpp"

using namespace trainctl;
using namespace trainctl::testing;
using Catch::Matchers::Equals;

TEST_CASE("a resume refuses a new value for a key the run keeps, naming its origin", "[cmd][config]") {
    RunConfig stored;
    RunConfig resumed = stored;
    const ConfigOrigins origins{{"seed", "--seed"}, {"optimizer", "run.json: key \"optimizer\""}};
    resumed.lr = 0.5f;        // acts
    resumed.epochs = 9;       // acts
    resumed.out = "elsewhere";  // a branch, not a refusal
    REQUIRE_NOTHROW(refuse_fixed_key_changes(to_json(stored), to_json(resumed), origins, "ck/a-1_6.ckpt"));

    resumed.seed = 7;
    auto [code, message] = error_of([&] { refuse_fixed_key_changes(to_json(stored), to_json(resumed), origins, "ck/a-1_6.ckpt"); });
    CHECK(code == kExitUsage);
    CHECK_THAT(message, Equals("--seed: a resumed run keeps its stored seed 1 (the data order and init depend on it); "
                               "to change it, start a new run: train --init-from ck/a-1_6.ckpt --seed 7"));

    resumed.seed = stored.seed;
    resumed.optimizer.type = "adam";
    std::tie(code, message) = error_of([&] { refuse_fixed_key_changes(to_json(stored), to_json(resumed), origins, "ck/a b.ckpt"); });
    CHECK(code == kExitUsage);
    CHECK_THAT(message, Equals("run.json: key \"optimizer\": a resumed run keeps its stored optimizer momentum (the "
                               "checkpoint holds this optimizer's state); to change it, start a new run: train "
                               "--init-from 'ck/a b.ckpt' --optimizer adam --reset-optimizer"));
}

TEST_CASE("another net's key is refused as a key of the net the run keeps", "[cmd][config]") {
    RunConfig stored;  // lenet5
    RunConfig resumed = stored;
    resumed.net.hidden = {64};
    const auto [code, message] =
        error_of([&] { refuse_fixed_key_changes(to_json(stored), to_json(resumed), {{"hidden", "--hidden"}}, "a.ckpt"); });
    CHECK(code == kExitUsage);
    CHECK_THAT(message, Equals("--hidden: a resumed run keeps its stored hidden 512,512 (net lenet5 does not use it, and "
                               "the run keeps its net); to change it, start a new run: train --init-from a.ckpt --hidden 64 "
                               "--skip-mismatch --reset-optimizer"));
}

TEST_CASE("the help says which keys a resume keeps", "[cmd][config]") {
    CHECK(resume_fixed_reason("seed") == "the data order and init depend on it");
    CHECK(resume_fixed_reason("batch_size").find("steps per epoch") != std::string::npos);
    CHECK(resume_fixed_reason("lr").empty());
    CHECK(resume_fixed_reason("out").empty());
}

TEST_CASE("a resume asks for a new run with another directory or prefix", "[cmd]") {
    testing::TempDir tmp("resume-target");
    std::filesystem::create_directory(tmp.path / "ck");
    const std::string from = tmp.file("ck/lenet_1-2_6.ckpt");
    RunConfig c;
    c.prefix = "lenet";  // the run's --prefix; the run itself is lenet_1 (a branch)
    c.out = tmp.file("ck");
    CHECK_FALSE(resume_asks_new_run(c, from, "lenet_1", "lenet"));
    c.out = tmp.file("ck/../ck/");  // the same directory, spelled another way
    CHECK_FALSE(resume_asks_new_run(c, from, "lenet_1", "lenet"));
    c.prefix = "lenet_1";  // the run's own prefix
    CHECK_FALSE(resume_asks_new_run(c, from, "lenet_1", "lenet"));
    c.prefix = "P";
    CHECK(resume_asks_new_run(c, from, "lenet_1", "lenet"));
    c.prefix = "lenet";
    c.out = tmp.file("new");  // not made yet
    CHECK(resume_asks_new_run(c, from, "lenet_1", "lenet"));
}

TEST_CASE("the resuming line says where a new run's files go", "[cmd]") {
    CHECK(checkpoint_dir("ck/a-1_6.ckpt") == "ck");
    CHECK(checkpoint_dir("a-1_6.ckpt") == ".");
    CHECK(checkpoint_dir("/a-1_6.ckpt") == "/");
    CHECK(resuming_line("ck/a-1_6.ckpt", "a", false, "ck", "a") == "resuming ck/a-1_6.ckpt");
    CHECK(resuming_line("ck/a-1_6.ckpt", "a", true, "new", "a_1") ==
          "resuming ck/a-1_6.ckpt into new/a_1-* (a branch: ck/a-* stay as they are)");
}

TEST_CASE("the prefix a resume continues: stored, else the file name's", "[cmd]") {
    CHECK(resume_prefix("ck/x-1_6.ckpt", "lenet_2") == "lenet_2");
    CHECK(resume_prefix("ck/old-1_3.ckpt", "") == "old");
    CHECK(error_of([] { resume_prefix("ck/x.ckpt", ""); }).first == kExitError);
    CHECK(error_of([] { resume_prefix("ck/x-1_6.ckpt", "../up"); }).first == kExitError);
}
