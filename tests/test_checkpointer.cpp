// Checkpointer notes: "saved FILE" is said only once FILE is complete on disk, with and without
// --async-save (a background save is announced at the step after it lands, or when waited for);
// and a run replaces or deletes only the files it wrote or adopted (checked by device and inode).
#include <catch2/catch.hpp>

#include "ckpt_format/ckpt_reader.hpp"
#include "ckpt_test_util.hpp"
#include "cmd/run/checkpointer.hpp"
#include "cmd/run/ckpt_marks.hpp"
#include "cmd/run/stored_run.hpp"
#include "core/optimizer.hpp"
#include "nets/nets.hpp"
#include "temp_dir.hpp"

using namespace trainctl;
using namespace trainctl::testing;

namespace {

// Saves after each of `steps` steps of one epoch and returns the notes; any note naming a file
// that does not verify at that moment is added to `early`.
std::vector<std::string> save_every_step(bool async_save, std::uint64_t steps, std::vector<std::string>& early) {
    TempDir tmp("checkpointer");
    RunConfig c;
    c.ckpt.save = {SaveEvery::Kind::kSteps, 1};
    c.ckpt.keep_max = 0;
    c.ckpt.async_save = async_save;
    c.eval = false;
    auto net = build_net(c.net, c.input);
    net->init_params(c.seed, InitSpec{});
    auto opt = make_optimizer(c.optimizer, net->params().total());
    TrainState s;
    s.steps_per_epoch = steps;
    std::vector<std::string> notes;
    const std::string saved = "trainctl: saved ";
    Checkpointer checkpointer(c, tmp.path.string(), "t", *net, *opt, s, [&](const std::string& line) {
        notes.push_back(line);
        if (line.rfind(saved, 0) == 0 && !ckpt_verify(line.substr(saved.size())).empty()) early.push_back(line);
    });
    for (std::uint64_t g = 1; g <= steps; ++g) {
        s.global_step = g;
        s.epoch = g / steps;
        s.step_in_epoch = g % steps;
        checkpointer.on_step_end(s);
    }
    checkpointer.finish(s);
    return notes;
}

std::vector<std::string> expected_notes(std::uint64_t steps, const std::vector<std::string>& notes) {
    std::vector<std::string> want;
    const std::string dir = notes.empty() ? "" : notes[0].substr(16, notes[0].rfind('/') - 16);
    for (std::uint64_t g = 1; g <= steps; ++g)
        want.push_back("trainctl: saved " + dir + "/t-1_" + std::to_string(g) + ".ckpt");
    return want;
}

}  // namespace

TEST_CASE("checkpointer: a save is announced once its file is complete, in step order", "[cmd][ckpt]") {
    for (bool async_save : {false, true}) {
        INFO("async_save " << async_save);
        std::vector<std::string> early;
        const std::vector<std::string> notes = save_every_step(async_save, 12, early);
        CHECK(notes == expected_notes(12, notes));
        CHECK(early.empty());
    }
}

// --- A run replaces or deletes only files it can prove are its own.
namespace {

// A run "t" (or `prefix`) saving every step of 10-step epochs, as a resumed run would from `start`.
struct SmallRun {
    RunConfig config;
    std::unique_ptr<Sequential> net;
    std::unique_ptr<Optimizer> opt;
    std::vector<std::string> notes;
    std::unique_ptr<Checkpointer> checkpointer;

    SmallRun(const std::string& dir, const std::string& prefix, std::size_t keep_max, std::uint64_t start = 0,
             std::size_t keep_best = 0, bool async_save = false) {
        config.ckpt.save = {SaveEvery::Kind::kSteps, 1};
        config.ckpt.async_save = async_save;
        config.ckpt.keep_max = keep_max;
        config.ckpt.keep_best = keep_best;
        config.eval = false;
        net = build_net(config.net, config.input);
        net->init_params(config.seed, InitSpec{});
        opt = make_optimizer(config.optimizer, net->params().total());
        checkpointer = std::make_unique<Checkpointer>(config, dir, prefix, *net, *opt, at(start),
                                                      [this](const std::string& line) { notes.push_back(line); });
        if (start > 0) checkpointer->adopt_existing();
    }
    static TrainState at(std::uint64_t g) {
        TrainState s;
        s.steps_per_epoch = 10;
        s.global_step = g;
        s.epoch = g / 10;
        s.step_in_epoch = g % 10;
        return s;
    }
    void steps(std::uint64_t from, std::uint64_t to) {
        for (std::uint64_t g = from; g <= to; ++g) checkpointer->on_step_end(at(g));
        checkpointer->finish(at(to));
    }
};


}  // namespace

TEST_CASE("checkpointer: keep-max leaves a file swapped in under a name it wrote", "[cmd][ckpt]") {
    for (int variant = 0; variant < 4; ++variant) {
        const bool symlink = variant & 1, async_save = variant & 2;
        INFO("a symlink swapped in: " << symlink << ", async save: " << async_save);
        TempDir tmp("owned");
        const std::string dir = tmp.path.string();
        write_bytes(tmp.file("victim"), "victim");
        SmallRun run(dir, "t", /*keep_max=*/1, 0, 0, async_save);
        // Made beside the original, then renamed over it: another inode.
        auto swap_in = [&] {
            if (symlink) std::filesystem::create_symlink("victim", tmp.file("new"));
            else write_bytes(tmp.file("new"), "someone else's");
            std::filesystem::rename(tmp.file("new"), tmp.file("t-1_1.ckpt"));
        };
        // t-1_1 is dropped by the save of step 2 and goes once that file is on disk: at once, or
        // with --async-save when the step-2 file has landed (announced at a later step).
        run.checkpointer->on_step_end(SmallRun::at(1));
        if (!async_save) swap_in();
        run.checkpointer->on_step_end(SmallRun::at(2));
        if (async_save) swap_in();
        run.steps(3, 4);
        REQUIRE(path_exists(tmp.file("t-1_1.ckpt")));
        CHECK(read_bytes(tmp.file("t-1_1.ckpt")) == (symlink ? "victim" : "someone else's"));
        CHECK(read_bytes(tmp.file("victim")) == "victim");
        CHECK_FALSE(path_exists(tmp.file("t-1_2.ckpt")));  // its own files still go
        CHECK_FALSE(path_exists(tmp.file("t-1_3.ckpt")));
        CHECK(path_exists(tmp.file("t-1_4.ckpt")));
    }
}

TEST_CASE("checkpointer: a resumed run adopts only the files whose metadata names it", "[cmd][ckpt]") {
    TempDir tmp("adopt");
    const std::string dir = tmp.path.string();
    SmallRun(dir, "other", 0).steps(1, 1);
    SmallRun(dir, "t", 0).steps(1, 2);
    // Another run's checkpoint under run t's name (as run lenet-best's step files bear run
    // lenet's best names): the name says t's, the metadata says "other".
    std::filesystem::rename(tmp.file("other-1_1.ckpt"), tmp.file("t-1_1.ckpt"));
    const std::string foreign = read_bytes(tmp.file("t-1_1.ckpt"));
    SmallRun resumed(dir, "t", /*keep_max=*/1, /*start=*/2);
    resumed.steps(3, 4);
    CHECK(read_bytes(tmp.file("t-1_1.ckpt")) == foreign);
    CHECK_FALSE(path_exists(tmp.file("t-1_2.ckpt")));  // adopted: its metadata names run t
    CHECK(path_exists(tmp.file("t-1_4.ckpt")));
}

TEST_CASE("checkpointer: a resumed run's breakpoint counts in --keep-max once later saves landed", "[cmd][ckpt]") {
    TempDir tmp("prune-bp");
    const std::string dir = tmp.path.string();
    {
        SmallRun run(dir, "t", /*keep_max=*/2);
        run.checkpointer->on_step_end(SmallRun::at(1));
        run.checkpointer->on_step_end(SmallRun::at(2));
        run.checkpointer->save_breakpoint(SmallRun::at(3));  // stopped at step 3
    }
    REQUIRE(path_exists(tmp.file("t-1_3_breakpoint.ckpt")));
    SmallRun resumed(dir, "t", /*keep_max=*/2, /*start=*/3);
    resumed.steps(4, 6);
    CHECK_FALSE(path_exists(tmp.file("t-1_3_breakpoint.ckpt")));
    CHECK_FALSE(path_exists(tmp.file("t-1_4.ckpt")));
    CHECK(path_exists(tmp.file("t-1_5.ckpt")));
    CHECK(path_exists(tmp.file("t-1_6.ckpt")));
}

TEST_CASE("checkpointer: a diverged breakpoint is marked and the latest pointer stays put", "[cmd][ckpt]") {
    TempDir tmp("diverged");
    const std::string dir = tmp.path.string();
    SmallRun run(dir, "t", 0);
    run.checkpointer->on_step_end(SmallRun::at(1));
    run.checkpointer->save_breakpoint(SmallRun::at(2), "loss nan at global step 3");
    CHECK(std::filesystem::read_symlink(tmp.file("t-latest")).string() == "t-1_1.ckpt");
    const CkptReader reader(tmp.file("t-1_2_breakpoint.ckpt"));
    CHECK(reader.metadata().at(kMetaDiverged) == "loss nan at global step 3");
    CHECK(saved_at_seconds(reader.metadata()).has_value());
}

TEST_CASE("checkpointer: a save never replaces a file it cannot prove its own", "[cmd][ckpt]") {
    TempDir tmp("collide");
    const std::string dir = tmp.path.string();
    write_bytes(tmp.file("t-1_2.ckpt"), "not a checkpoint of t");
    SmallRun run(dir, "t", 0);
    run.checkpointer->on_step_end(SmallRun::at(1));
    CHECK_THROWS_WITH(run.checkpointer->on_step_end(SmallRun::at(2)),
                      Catch::Contains("t-1_2.ckpt exists and is not this run's file") &&
                          Catch::Contains("not replacing it"));
    CHECK(read_bytes(tmp.file("t-1_2.ckpt")) == "not a checkpoint of t");

    // A best checkpoint is skipped instead, with a warning: the run goes on.
    write_bytes(tmp.file("b-best-1_10.ckpt"), "run b-best's step file");
    SmallRun best(dir, "b", 0, 0, /*keep_best=*/1);
    TrainState s = SmallRun::at(10);
    s.has_metrics = true;
    s.metrics_epoch = s.epoch;
    s.metrics_acc = 0.5;
    best.checkpointer->on_epoch_end(s);
    CHECK(read_bytes(tmp.file("b-best-1_10.ckpt")) == "run b-best's step file");
    REQUIRE_FALSE(best.notes.empty());
    CHECK_THAT(best.notes.back(), Catch::Contains("warning:") && Catch::Contains("best checkpoint not saved"));
}

TEST_CASE("checkpointer: a best checkpoint's label says where it ranks", "[cmd][ckpt]") {
    // Epoch accuracies 0.90, 0.95, 0.93, 0.97 with --keep-best 2: epoch 3 enters as the 2nd best
    // (it was labelled "best acc so far"), epoch 4 as the best.
    TempDir tmp("checkpointer-best");
    RunConfig c;
    c.ckpt.save = {SaveEvery::Kind::kNever};
    c.ckpt.keep_best = 2;
    c.ckpt.monitor = Monitor::kAcc;
    auto net = build_net(c.net, c.input);
    net->init_params(c.seed, InitSpec{});
    auto opt = make_optimizer(c.optimizer, net->params().total());
    TrainState s;
    s.steps_per_epoch = 1;
    std::vector<std::string> notes;
    Checkpointer checkpointer(c, tmp.path.string(), "t", *net, *opt, s,
                              [&](const std::string& line) { notes.push_back(line); });
    const double accs[] = {0.90, 0.95, 0.93, 0.97};
    for (int e = 1; e <= 4; ++e) {
        s.global_step = static_cast<std::uint64_t>(e);
        s.epoch = static_cast<std::uint64_t>(e);
        s.step_in_epoch = 0;
        s.has_metrics = true;
        s.metrics_epoch = s.epoch;
        s.metrics_acc = accs[e - 1];
        checkpointer.on_epoch_end(s);
    }
    const std::string dir = tmp.path.string();
    const std::vector<std::string> want = {
        "trainctl: saved " + dir + "/t-best-1_1.ckpt (best acc so far, keeping the best 2)",
        "trainctl: saved " + dir + "/t-best-2_1.ckpt (best acc so far, keeping the best 2)",
        "trainctl: saved " + dir + "/t-best-3_1.ckpt (2nd best acc so far, keeping the best 2)",
        "trainctl: saved " + dir + "/t-best-4_1.ckpt (best acc so far, keeping the best 2)"};
    CHECK(notes == want);
}

namespace {
std::size_t step_files(const std::string& dir) {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("t-1_", 0) == 0 && name.size() > 5 && name.substr(name.size() - 5) == ".ckpt") ++n;
    }
    return n;
}
}  // namespace

TEST_CASE("checkpointer: --keep-max N leaves N files after each save", "[cmd][ckpt]") {
    TempDir tmp("keep-max");
    const std::string dir = tmp.path.string();
    SmallRun run(dir, "t", /*keep_max=*/2);
    for (std::uint64_t g = 1; g <= 5; ++g) {
        run.checkpointer->on_step_end(SmallRun::at(g));
        CHECK(step_files(dir) == std::min<std::uint64_t>(g, 2));
    }
    run.checkpointer->finish(SmallRun::at(5));
    CHECK(step_files(dir) == 2);
    CHECK(path_exists(tmp.file("t-1_4.ckpt")));
    CHECK(path_exists(tmp.file("t-1_5.ckpt")));
}

TEST_CASE("checkpointer: with --async-save a dropped file goes once its successor has landed", "[cmd][ckpt]") {
    TempDir tmp("keep-max-async");
    const std::string dir = tmp.path.string();
    SmallRun run(dir, "t", /*keep_max=*/2, 0, 0, /*async_save=*/true);
    for (std::uint64_t g = 1; g <= 5; ++g) {
        run.checkpointer->on_step_end(SmallRun::at(g));
        CHECK(step_files(dir) <= 3);  // the newest may still be in flight, its predecessors wait for it
    }
    run.checkpointer->finish(SmallRun::at(5));
    CHECK(step_files(dir) == 2);
    CHECK(path_exists(tmp.file("t-1_5.ckpt")));
}

// --- The policies over a clock: a run's clock is its training time (TrainState::elapsed_s),
// passed in with each step, so these tests set it.
namespace {

// Drives a Checkpointer as the Trainer does over 4-step epochs, each step taking `step_s` of
// training time; an epoch's end is scored (accuracy 0.5 + epoch / 100) before on_epoch_end.
struct ClockedRun {
    RunConfig config;
    std::unique_ptr<Sequential> net;
    std::unique_ptr<Optimizer> opt;
    std::vector<std::string> notes;
    std::unique_ptr<Checkpointer> checkpointer;
    TrainState s;

    ClockedRun(const std::string& dir, const CheckpointSpec& ckpt) {
        config.ckpt = ckpt;
        net = build_net(config.net, config.input);
        net->init_params(config.seed, InitSpec{});
        opt = make_optimizer(config.optimizer, net->params().total());
        s.steps_per_epoch = 4;
        checkpointer = std::make_unique<Checkpointer>(config, dir, "t", *net, *opt, s,
                                                      [this](const std::string& line) { notes.push_back(line); });
    }
    void steps(std::uint64_t n, double step_s) {
        for (std::uint64_t i = 0; i < n; ++i) {
            ++s.global_step;
            s.elapsed_s += step_s;
            if (++s.step_in_epoch == s.steps_per_epoch) {
                ++s.epoch;
                s.step_in_epoch = 0;
            }
            checkpointer->on_step_end(s);
            if (s.step_in_epoch != 0) continue;
            s.has_metrics = true;
            s.metrics_epoch = s.epoch;
            s.metrics_acc = 0.5 + static_cast<double>(s.epoch) / 100;
            checkpointer->on_epoch_end(s);
        }
    }
    // The file names of the "saved" notes, in order.
    std::vector<std::string> saved() const {
        std::vector<std::string> names;
        for (const std::string& n : notes) {
            if (n.rfind("trainctl: saved ", 0) != 0) continue;
            const std::size_t slash = n.rfind('/', n.find(' ', 16));
            names.push_back(n.substr(slash + 1, n.find(' ', slash) - slash - 1));
        }
        return names;
    }
};

using Names = std::vector<std::string>;

CheckpointSpec spec(SaveEvery save) {
    CheckpointSpec c;
    c.save = save;
    c.keep_max = 0;
    return c;
}

}  // namespace

TEST_CASE("checkpointer: by steps, an epoch-end save comes after evaluation; finish saves the last step", "[cmd][ckpt]") {
    TempDir tmp("policy-steps");
    ClockedRun run(tmp.path.string(), spec({SaveEvery::Kind::kSteps, 3}));
    run.steps(8, 1.0);
    run.checkpointer->finish(run.s);
    CHECK(run.saved() == Names{"t-1_3.ckpt", "t-2_2.ckpt", "t-2_4.ckpt"});

    TempDir tmp4("policy-steps-epoch");
    ClockedRun at_epoch_end(tmp4.path.string(), spec({SaveEvery::Kind::kSteps, 4}));
    at_epoch_end.steps(8, 1.0);
    at_epoch_end.checkpointer->finish(at_epoch_end.s);  // step 8 is saved: no second save
    CHECK(at_epoch_end.saved() == Names{"t-1_4.ckpt", "t-2_4.ckpt"});
    const StoredRun stored = read_stored_run(CkptReader(tmp4.file("t-1_4.ckpt")));
    CHECK(stored.state.has_metrics);
    CHECK(stored.state.metrics_epoch == 1);
}

TEST_CASE("checkpointer: \"epoch\" saves once per epoch, after evaluation", "[cmd][ckpt]") {
    TempDir tmp("policy-epoch");
    ClockedRun run(tmp.path.string(), spec({SaveEvery::Kind::kEpoch}));
    run.steps(8, 1.0);
    run.checkpointer->finish(run.s);
    CHECK(run.saved() == Names{"t-1_4.ckpt", "t-2_4.ckpt"});
    const StoredRun stored = read_stored_run(CkptReader(tmp.file("t-2_4.ckpt")));
    CHECK(stored.state.metrics_epoch == 2);
    CHECK(stored.state.metrics_acc == Approx(0.52));
}

TEST_CASE("checkpointer: by seconds of training time, counted from the last save", "[cmd][ckpt]") {
    TempDir tmp("policy-seconds");
    ClockedRun run(tmp.path.string(), spec({SaveEvery::Kind::kSeconds, 0, 2.5}));
    run.steps(8, 1.0);  // due at 3 s and 6 s; 8 s is 2 s after the last save
    run.checkpointer->finish(run.s);
    CHECK(run.saved() == Names{"t-1_3.ckpt", "t-2_2.ckpt", "t-2_4.ckpt"});
}

TEST_CASE("checkpointer: no schedule saves only the final step", "[cmd][ckpt]") {
    TempDir tmp("policy-never");
    ClockedRun run(tmp.path.string(), spec({SaveEvery::Kind::kNever}));
    run.steps(8, 1.0);
    CHECK(run.saved().empty());
    run.checkpointer->finish(run.s);
    CHECK(run.saved() == Names{"t-2_4.ckpt"});
}

TEST_CASE("checkpointer: keep-per-minutes keeps the first of each window and the newest", "[cmd][ckpt]") {
    TempDir tmp("policy-per-minutes");
    CheckpointSpec c = spec({SaveEvery::Kind::kSteps, 1});
    c.keep_per_minutes = 1;
    ClockedRun run(tmp.path.string(), c);
    run.steps(8, 25.0);  // saves at 25, 50, ..., 200 s of training
    run.checkpointer->finish(run.s);
    // Pruned at each save: 50 s and 75 s fall within 60 s of 25 s; 100 s opens a window, 175 s
    // the next; 200 s is the newest.
    for (const char* kept : {"t-1_1.ckpt", "t-1_4.ckpt", "t-2_3.ckpt", "t-2_4.ckpt"}) CHECK(path_exists(tmp.file(kept)));
    for (const char* gone : {"t-1_2.ckpt", "t-1_3.ckpt", "t-2_1.ckpt", "t-2_2.ckpt"}) CHECK_FALSE(path_exists(tmp.file(gone)));
}

TEST_CASE("checkpointer: keep-best over epochs keeps the K best beside the step files", "[cmd][ckpt]") {
    TempDir tmp("policy-best");
    CheckpointSpec c = spec({SaveEvery::Kind::kEpoch});
    c.keep_max = 1;
    c.keep_best = 1;
    ClockedRun run(tmp.path.string(), c);
    run.steps(12, 1.0);  // accuracy rises each epoch: each is the best so far
    run.checkpointer->finish(run.s);
    CHECK(path_exists(tmp.file("t-3_4.ckpt")));
    CHECK_FALSE(path_exists(tmp.file("t-2_4.ckpt")));
    CHECK(path_exists(tmp.file("t-best-3_4.ckpt")));
    CHECK_FALSE(path_exists(tmp.file("t-best-2_4.ckpt")));
    CHECK(std::filesystem::read_symlink(tmp.file("t-latest")).string() == "t-3_4.ckpt");
}

TEST_CASE("checkpointer: a breakpoint mid-epoch is saved and becomes latest", "[cmd][ckpt]") {
    TempDir tmp("policy-breakpoint");
    ClockedRun run(tmp.path.string(), spec({SaveEvery::Kind::kEpoch}));
    run.steps(6, 1.0);
    CHECK(run.checkpointer->save_breakpoint(run.s) == tmp.file("t-2_2_breakpoint.ckpt"));
    CHECK(run.saved() == Names{"t-1_4.ckpt"});  // the run prints the breakpoint line itself
    CHECK(std::filesystem::read_symlink(tmp.file("t-latest")).string() == "t-2_2_breakpoint.ckpt");
    CHECK(read_stored_run(CkptReader(tmp.file("t-2_2_breakpoint.ckpt"))).state.global_step == 6);
}
