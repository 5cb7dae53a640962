// Run locks: flock on DIR/PREFIX.lock per run, and on DIR while a new run picks its prefix.
#include "cmd/run/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "ckpt_format/ckpt_names.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"

namespace trainctl {

namespace {

// A holder writes its PID right after it locks, and lock_new_run's probe holds a shared lock for
// an instant: a busy lock is retried this often before it counts as another run's.
constexpr int kBusyTries = 5;
constexpr auto kBusyPause = std::chrono::milliseconds(20);

// "PID COMMAND" as the holder wrote it, or "" when it has not yet.
std::string read_holder(int fd) {
    char buf[64] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string text(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

Error busy_error(const std::string& path, const std::string& holder) {
    const std::size_t space = holder.find(' ');
    const std::string who = holder.empty() ? "another trainctl process"
                            : space == std::string::npos
                                ? "trainctl PID " + holder
                                : "trainctl PID " + holder.substr(0, space) + " (" + holder.substr(space + 1) + ")";
    return Error(path + ": run directory is in use by " + who + "; wait for it or use another --out/--prefix");
}

// What a non-regular file is, for the refusal.
std::string file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    return "not a regular file";
}

// The lock file must be a plain file of this directory: its holder truncates and writes it, so a
// planted symlink or a hard link to a file elsewhere would have that file written.
Error not_a_lock_file(const std::string& path, const std::string& what) {
    return Error(path + ": is " + what + ", not a lock file trainctl writes; remove it");
}

// Same file under `name` in `dir_fd` as the open `fd`: false when a releasing holder unlinked it
// in between, or something else now stands there.
bool still_linked(int fd, int dir_fd, const std::string& name) {
    struct stat open_st {}, name_st {};
    return ::fstat(fd, &open_st) == 0 && ::fstatat(dir_fd, name.c_str(), &name_st, AT_SYMLINK_NOFOLLOW) == 0 &&
           open_st.st_dev == name_st.st_dev && open_st.st_ino == name_st.st_ino;
}

// Throws busy_error when a live process holds `path`; absent, free, or not-a-lock files (a
// symlink is never followed) pass: RunLock refuses those by name if the run picks that prefix.
void check_not_held(const std::string& path) {
    for (int attempt = 1;; ++attempt) {
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        struct stat st {};
        if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return;
        if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return;
        if (attempt == kBusyTries) throw busy_error(path, read_holder(fd.get()));
        std::this_thread::sleep_for(kBusyPause);
    }
}

// DIR/NAME opened (created if absent) for locking, never through a symlink: O_NOFOLLOW fails
// on one, dangling or not; O_NONBLOCK keeps a planted FIFO from blocking the open.
UniqueFd open_lock_file(int dir_fd, const std::string& name, const std::string& path) {
    UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644));
    if (!fd.valid() && errno == ELOOP) throw not_a_lock_file(path, "a symbolic link");
    if (!fd.valid() && errno == EISDIR) throw not_a_lock_file(path, "a directory");
    if (!fd.valid()) throw Error(path + ": cannot create the run's lock file: " + std::strerror(errno), kExitSaveFailed);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw Error(path + ": cannot stat the run's lock file: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw not_a_lock_file(path, file_kind(st.st_mode));
    if (st.st_nlink != 1) throw not_a_lock_file(path, "a file with " + std::to_string(st.st_nlink) + " hard links");
    return fd;
}

}  // namespace

RunLock::RunLock(const std::string& dir, const std::string& prefix, const std::string& command)
    : prefix_(prefix), path_(dir + "/" + lock_file_name(prefix)), dir_fd_(-1), fd_(-1) {
    const std::string name = lock_file_name(prefix);
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid())
        throw Error(path_ + ": cannot create the run's lock file: " + std::strerror(errno), kExitSaveFailed);
    for (int attempt = 1;;) {
        UniqueFd fd = open_lock_file(dir_fd.get(), name, path_);
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
            if (!still_linked(fd.get(), dir_fd.get(), name)) continue;  // locked a file its holder just removed
            // Best effort: the PID only makes another run's message clearer.
            const std::string holder = std::to_string(::getpid()) + " " + command + "\n";
            if (::ftruncate(fd.get(), 0) == 0) (void)!::pwrite(fd.get(), holder.data(), holder.size(), 0);
            dir_fd_ = std::move(dir_fd);
            fd_ = std::move(fd);
            return;
        }
        if (errno != EWOULDBLOCK) throw Error(path_ + ": cannot lock: " + std::strerror(errno));
        if (attempt++ == kBusyTries) throw busy_error(path_, read_holder(fd.get()));
        std::this_thread::sleep_for(kBusyPause);
    }
}

RunLock::~RunLock() {
    // Unlinked while still held: a process that opened the file meanwhile sees it is gone
    // (still_linked) and creates a new one instead of locking this one. Only if the name is
    // still this file: never another run's lock, nor whatever replaced it.
    if (fd_.valid() && still_linked(fd_.get(), dir_fd_.get(), lock_file_name(prefix_)))
        ::unlinkat(dir_fd_.get(), lock_file_name(prefix_).c_str(), 0);
}

RunLock lock_new_run(const std::string& dir, const std::string& prefix) {
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) throw Error(dir + ": cannot open checkpoint directory: " + std::strerror(errno), kExitSaveFailed);
    while (::flock(dir_fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) throw Error(dir + ": cannot lock directory: " + std::strerror(errno));
    const std::string lock_ext = ".lock";
    for (const std::string& file : list_dir(dir)) {
        if (file.size() <= lock_ext.size() || !ends_with(file, lock_ext))
            continue;
        if (is_run_of_prefix(file.substr(0, file.size() - lock_ext.size()), prefix)) check_not_held(dir + "/" + file);
    }
    return RunLock(dir, choose_run_prefix(dir, prefix), "train");
}

namespace {
// Held while a prefix is picked and its lock taken, by lock_branch_run.
UniqueFd lock_dir(const std::string& dir) {
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) throw Error(dir + ": cannot open checkpoint directory: " + std::strerror(errno), kExitSaveFailed);
    while (::flock(dir_fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) throw Error(dir + ": cannot lock directory: " + std::strerror(errno));
    return dir_fd;
}
}  // namespace

RunLock lock_branch_run(const std::string& dir, const std::string& prefix) {
    const UniqueFd dir_lock = lock_dir(dir);
    return RunLock(dir, choose_branch_prefix(dir, prefix), "resume");
}

}  // namespace trainctl
