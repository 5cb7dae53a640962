// Run locks: one live process per run prefix and directory, so two runs never write the same
// files. A lock is an flock on DIR/PREFIX.lock, which names its holder ("PID COMMAND").
#pragma once
#include <string>

#include "core/unique_fd.hpp"

namespace trainctl {

class RunLock {
public:
    // Takes DIR/PREFIX.lock for `command` ("train", "resume"). Throws Error, exit 1, naming the
    // lock file and the holder's PID when a live process holds it, or when it is not a plain file
    // (a symlink, FIFO, directory or hard link: never written through); exit 74 when the file
    // cannot be created. A dead holder (even a SIGKILLed one) holds nothing: the kernel drops its flock.
    RunLock(const std::string& dir, const std::string& prefix, const std::string& command);
    // Removes the file (if the name still refers to it), then releases the lock.
    ~RunLock();
    RunLock(RunLock&&) = default;
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

    const std::string& prefix() const { return prefix_; }
    const std::string& path() const { return path_; }

private:
    std::string prefix_, path_;
    UniqueFd dir_fd_;  // DIR: the release unlinks the name in the directory that was locked
    UniqueFd fd_;
};

// A new run's lock: fails like RunLock when a live run in DIR was started with this --prefix
// (it holds PREFIX.lock or PREFIX_N.lock), else locks choose_run_prefix's PREFIX or PREFIX_N.
// Runs while holding an flock on DIR itself, so two runs starting at once cannot pick one name.
RunLock lock_new_run(const std::string& dir, const std::string& prefix);

// A resume that branches (cmd/run/resume_branch.hpp): locks choose_branch_prefix's PREFIX or
// PREFIX_N for `resume`, under the same flock on DIR, so two branches never share a prefix.
RunLock lock_branch_run(const std::string& dir, const std::string& prefix);

}  // namespace trainctl
