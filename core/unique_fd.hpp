// A POSIX file descriptor closed on scope exit, so every error path of file I/O releases it
// without a cleanup ladder. In core/ so input readers (config, IDX, images) share it.
#pragma once
#include <unistd.h>

namespace trainctl {

class UniqueFd {
public:
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() { if (fd_ >= 0) ::close(fd_); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            if (fd_ >= 0) ::close(fd_);
            fd_ = other.fd_;
            other.fd_ = -1;
        }
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    // Closes now and reports close()'s result: on some filesystems it is where a write error shows.
    int close() { int rc = ::close(fd_); fd_ = -1; return rc; }
    // Hands the descriptor to an owner that closes it itself (gzdopen's gzclose).
    int release() { int fd = fd_; fd_ = -1; return fd; }

private:
    int fd_;
};

}  // namespace trainctl
