// Checkpointer notes: "saved FILE" is said only once FILE is complete on disk, with and without
// --async-save (a background save is announced at the step after it lands, or when waited for).
#include <catch2/catch.hpp>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/checkpointer.hpp"
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
    c.ckpt.steps = 1;
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
    Checkpointer checkpointer(c, tmp.path.string(), "t", steps, *net, *opt, s, [&](const std::string& line) {
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
