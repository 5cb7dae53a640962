// Run locks: one holder per prefix, the holder named in the refusal, prefix_N chosen under the
// directory lock, stale lock files of dead runs ignored. flock conflicts between two open file
// descriptions, so one process can play both runs.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <optional>

#include "ckpt_test_util.hpp"
#include "cmd/run/run_lock.hpp"
#include "core/error.hpp"
#include "error_of.hpp"

using namespace trainctl;
using namespace trainctl::testing;
using Catch::Matchers::Contains;

TEST_CASE("RunLock: a second holder is refused with the first one's PID; release removes the file", "[cmd]") {
    CkptTempDir dir;
    const std::string d = dir.path.string();
    std::optional<RunLock> first(std::in_place, d, "lenet", "train");
    REQUIRE(first->path() == d + "/lenet.lock");
    REQUIRE(read_bytes(first->path()) == std::to_string(getpid()) + " train\n");

    auto [code, message] = error_of([&] { RunLock second(d, "lenet", "resume"); });
    REQUIRE(code == kExitError);
    REQUIRE_THAT(message, Contains(d + "/lenet.lock: run directory is in use by trainctl PID " +
                                   std::to_string(getpid()) + " (train)"));
    RunLock other_prefix(d, "lenet_1", "train");  // another prefix is another run

    first.reset();
    REQUIRE_FALSE(std::filesystem::exists(d + "/lenet.lock"));
    RunLock again(d, "lenet", "resume");
    REQUIRE(read_bytes(again.path()) == std::to_string(getpid()) + " resume\n");
}

TEST_CASE("RunLock: a dead run's lock file blocks nothing", "[cmd]") {
    CkptTempDir dir;
    write_bytes(dir.file("lenet.lock"), "999999 train\n");  // left by a SIGKILLed run
    RunLock lock(dir.path.string(), "lenet", "resume");
    REQUIRE(read_bytes(lock.path()) == std::to_string(getpid()) + " resume\n");
}

TEST_CASE("lock_new_run: prefix_N for a reused prefix, refused while a run of that prefix lives", "[cmd]") {
    CkptTempDir dir;
    const std::string d = dir.path.string();
    write_bytes(dir.file("lenet-1_10.ckpt"), "x");
    std::optional<RunLock> first(lock_new_run(d, "lenet"));
    REQUIRE(first->prefix() == "lenet_1");
    // lenet_1 has no files yet: only its lock keeps a second start from taking it too.
    REQUIRE_THAT(error_of([&] { lock_new_run(d, "lenet"); }).second,
                 Contains("lenet_1.lock: run directory is in use by trainctl PID"));
    REQUIRE(lock_new_run(d, "lenet-adam").prefix() == "lenet-adam");
    first.reset();
    REQUIRE(lock_new_run(d, "lenet").prefix() == "lenet_1");
}

TEST_CASE("RunLock: an unwritable directory is a save failure naming the lock file", "[cmd]") {
    CkptTempDir dir;
    auto [code, message] = error_of([&] { RunLock lock(dir.file("absent"), "lenet", "train"); });
    REQUIRE(code == kExitSaveFailed);
    REQUIRE_THAT(message, Contains("absent/lenet.lock: cannot create the run's lock file: No such file or directory"));
}

TEST_CASE("RunLock: a symlink, FIFO or hard link at PREFIX.lock is refused and nothing is written through it", "[cmd]") {
    CkptTempDir dir;
    const std::string d = dir.path.string(), lock = dir.file("lenet.lock");
    const std::string victim = dir.file("victim"), escaped = dir.file("escaped");
    write_bytes(victim, "victim");
    std::string what;
    SECTION("a symlink to a file") {
        REQUIRE(::symlink(victim.c_str(), lock.c_str()) == 0);
        what = "a symbolic link";
    }
    SECTION("a dangling symlink") {
        REQUIRE(::symlink(escaped.c_str(), lock.c_str()) == 0);
        what = "a symbolic link";
    }
    SECTION("a FIFO") {
        REQUIRE(::mkfifo(lock.c_str(), 0644) == 0);
        what = "a FIFO";
    }
    SECTION("a hard link") {
        REQUIRE(::link(victim.c_str(), lock.c_str()) == 0);
        what = "a file with 2 hard links";
    }
    auto [code, message] = error_of([&] { RunLock held(d, "lenet", "train"); });
    REQUIRE(code == kExitError);
    REQUIRE(message == lock + ": is " + what + ", not a lock file trainctl writes; remove it");
    REQUIRE(read_bytes(victim) == "victim");
    REQUIRE_FALSE(std::filesystem::exists(escaped));
    REQUIRE(std::filesystem::exists(std::filesystem::symlink_status(lock)));  // left for the user
    // lock_new_run's probe of an existing PREFIX.lock does not follow it either.
    REQUIRE_THAT(error_of([&] { lock_new_run(d, "lenet"); }).second, Contains(lock + ": is " + what));
}

TEST_CASE("RunLock: the release removes its own lock file only, not a file now under its name", "[cmd]") {
    CkptTempDir dir;
    const std::string d = dir.path.string(), lock = dir.file("lenet.lock");
    std::optional<RunLock> held(std::in_place, d, "lenet", "train");
    REQUIRE(::rename(lock.c_str(), dir.file("moved").c_str()) == 0);
    write_bytes(lock, "someone else's");
    held.reset();
    REQUIRE(read_bytes(lock) == "someone else's");
}
