// atomic_write_file with a retired file: its blocks are reused when nothing else can see the
// overwrite, and otherwise it is deleted and the new file written fresh, the old bytes intact
// for whoever still holds them.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "ckpt_format/atomic_file.hpp"
#include "core/unique_fd.hpp"
#include "ckpt_test_util.hpp"

using namespace trainctl;
using namespace trainctl::testing;

namespace {

ino_t inode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_ino;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

void save(const std::string& path, const std::string& bytes, const std::string& retired) {
    atomic_write_file(path, {{bytes.data(), bytes.size()}}, DirSync::kNow, retired);
}

std::string read_all(int fd, std::size_t size) {
    std::string out(size, '\0');
    REQUIRE(::pread(fd, out.data(), size, 0) == static_cast<ssize_t>(size));
    return out;
}

// Whether this filesystem grants leases (overlayfs and NFS may not; then nothing is reused).
bool leases_work(const std::string& file) {
    UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd.valid() || ::fcntl(fd.get(), F_SETLEASE, F_WRLCK) != 0) return false;
    ::fcntl(fd.get(), F_SETLEASE, F_UNLCK);
    return true;
}

}  // namespace

TEST_CASE("a save reuses a retired file's inode and cuts its excess bytes", "[ckpt]") {
    CkptTempDir dir;
    const std::string old = dir.file("run-1_5.ckpt"), fresh = dir.file("run-1_10.ckpt");
    write_bytes(old, std::string(100000, 'o'));
    const ino_t old_inode = inode_of(old);
    const bool reusable = leases_work(old);
    save(fresh, "new bytes", old);
    REQUIRE(!exists(old));
    REQUIRE(!exists(fresh + ".tmp"));
    REQUIRE(read_bytes(fresh) == "new bytes");
    if (!reusable) {
        WARN("no file leases on " << dir.file("") << ": the reuse itself is not tested here");
        return;
    }
    REQUIRE(inode_of(fresh) == old_inode);
}

TEST_CASE("a retired file is not overwritten while anyone can still see it", "[ckpt]") {
    CkptTempDir dir;
    const std::string old = dir.file("run-1_5.ckpt"), fresh = dir.file("run-1_10.ckpt");
    const std::string old_bytes(5000, 'o');
    write_bytes(old, old_bytes);

    SECTION("a reader holds it open") {
        UniqueFd reader(::open(old.c_str(), O_RDONLY | O_CLOEXEC));
        REQUIRE(reader.valid());
        save(fresh, "new bytes", old);
        REQUIRE(read_all(reader.get(), old_bytes.size()) == old_bytes);
    }
    SECTION("a reader has it mapped, its fd closed") {
        UniqueFd fd(::open(old.c_str(), O_RDONLY | O_CLOEXEC));
        void* map = ::mmap(nullptr, old_bytes.size(), PROT_READ, MAP_SHARED, fd.get(), 0);
        REQUIRE(map != MAP_FAILED);
        fd.close();
        save(fresh, "new bytes", old);
        REQUIRE(std::string(static_cast<const char*>(map), old_bytes.size()) == old_bytes);
        ::munmap(map, old_bytes.size());
    }
    SECTION("another name links to it") {
        REQUIRE(::link(old.c_str(), dir.file("kept.ckpt").c_str()) == 0);
        save(fresh, "new bytes", old);
        REQUIRE(read_bytes(dir.file("kept.ckpt")) == old_bytes);
    }
    SECTION("it is a symlink") {
        const std::string target = dir.file("target.ckpt");
        REQUIRE(::rename(old.c_str(), target.c_str()) == 0);
        REQUIRE(::symlink("target.ckpt", old.c_str()) == 0);
        save(fresh, "new bytes", old);
        REQUIRE(read_bytes(target) == old_bytes);
    }
    REQUIRE(!exists(old));  // retired either way, as deleting it would have left it
    REQUIRE(!exists(fresh + ".tmp"));
    REQUIRE(read_bytes(fresh) == "new bytes");
}

TEST_CASE("a retired file that is already gone means a fresh file", "[ckpt]") {
    CkptTempDir dir;
    const std::string fresh = dir.file("run-1_10.ckpt");
    save(fresh, "new bytes", dir.file("deleted-by-the-user.ckpt"));
    REQUIRE(read_bytes(fresh) == "new bytes");
}

TEST_CASE("a failed save into a retired file removes it and keeps the rest", "[ckpt]") {
    CkptTempDir dir;
    const std::string old = dir.file("run-1_5.ckpt"), kept = dir.file("run-1_10.ckpt");
    write_bytes(old, "old");
    write_bytes(kept, "kept");
    // A directory where the new file should go makes the final rename fail.
    const std::string blocked = dir.file("run-1_15.ckpt");
    REQUIRE(::mkdir(blocked.c_str(), 0755) == 0);
    write_bytes(blocked + "/x", "x");
    REQUIRE_THROWS(save(blocked, "new bytes", old));
    REQUIRE(!exists(old));
    REQUIRE(!exists(blocked + ".tmp"));
    REQUIRE(read_bytes(kept) == "kept");
}
