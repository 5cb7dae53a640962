// atomic_write_file and atomic_symlink against names planted where they write: a stale PATH.tmp
// of any kind is removed, never followed, and a symlink at PATH is replaced, not written through.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "ckpt_format/atomic_file.hpp"
#include "ckpt_test_util.hpp"

using namespace trainctl;
using namespace trainctl::testing;

namespace {


bool is_regular(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void save(const std::string& path, const std::string& bytes) {
    atomic_write_file(path, {{bytes.data(), bytes.size()}}, DirSync::kNow);
}

// A run directory and, beside it, a victim file the planted links point at.
struct Planted {
    CkptTempDir dir;
    std::string run = dir.file("run"), victim = dir.file("victim"), absent = dir.file("escaped");
    Planted() {
        REQUIRE(::mkdir(run.c_str(), 0755) == 0);
        write_bytes(victim, "victim");
    }
    std::string in_run(const std::string& name) const { return run + "/" + name; }
    void link(const std::string& target, const std::string& name) const {
        REQUIRE(::symlink(target.c_str(), in_run(name).c_str()) == 0);
    }
    void require_untouched() const {
        REQUIRE(read_bytes(victim) == "victim");
        REQUIRE(!path_exists(absent));
    }
};

}  // namespace

TEST_CASE("atomic_write_file removes a planted PATH.tmp symlink instead of writing through it", "[ckpt]") {
    Planted p;
    const std::string path = p.in_run("lenet-1_62.ckpt");
    SECTION("to an existing file") { p.link(p.victim, "lenet-1_62.ckpt.tmp"); }
    SECTION("dangling") { p.link(p.absent, "lenet-1_62.ckpt.tmp"); }
    SECTION("to /dev/full") { p.link("/dev/full", "lenet-1_62.ckpt.tmp"); }
    save(path, "new bytes");
    p.require_untouched();
    REQUIRE(is_regular(path));
    REQUIRE(read_bytes(path) == "new bytes");
    REQUIRE(!path_exists(path + ".tmp"));
}

TEST_CASE("atomic_write_file replaces a symlink at PATH itself, leaving its target alone", "[ckpt]") {
    Planted p;
    const std::string path = p.in_run("grid.png");
    SECTION("to an existing file") { p.link(p.victim, "grid.png"); }
    SECTION("dangling") { p.link(p.absent, "grid.png"); }
    save(path, "png bytes");
    p.require_untouched();
    REQUIRE(is_regular(path));
    REQUIRE(read_bytes(path) == "png bytes");
}

TEST_CASE("atomic_symlink removes a planted PATH.tmp symlink and repoints PATH", "[ckpt]") {
    Planted p;
    const std::string pointer = p.in_run("lenet-latest");
    SECTION("to an existing file") { p.link(p.victim, "lenet-latest.tmp"); }
    SECTION("dangling") { p.link(p.absent, "lenet-latest.tmp"); }
    SECTION("to a directory") { p.link(p.dir.file(""), "lenet-latest.tmp"); }
    REQUIRE(atomic_symlink("lenet-1_62.ckpt", pointer));
    p.require_untouched();
    char target[64] = {};
    REQUIRE(::readlink(pointer.c_str(), target, sizeof target - 1) > 0);
    REQUIRE(std::string(target) == "lenet-1_62.ckpt");
    REQUIRE(!path_exists(pointer + ".tmp"));
}
