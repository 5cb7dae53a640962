// The readers take paths, so each fuzz input becomes a file: one memfd (a RAM-backed regular
// file, so no disk I/O and mmap works) rewritten per input and opened as /proc/self/fd/N.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace trainctl::fuzzing {

class FuzzInputFile {
public:
    FuzzInputFile() : fd_(::memfd_create("trainctl-fuzz-input", MFD_CLOEXEC)) {
        if (fd_ < 0) std::abort();  // the harness itself is broken: no input can run
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    FuzzInputFile(const FuzzInputFile&) = delete;
    FuzzInputFile& operator=(const FuzzInputFile&) = delete;

    // Makes `data` the file's whole content and returns the path to open it by.
    const std::string& hold(const void* data, std::size_t size) {
        if (::ftruncate(fd_, 0) != 0) std::abort();
        const auto* p = static_cast<const char*>(data);
        for (std::size_t done = 0; done < size;) {
            ssize_t n = ::pwrite(fd_, p + done, size - done, static_cast<off_t>(done));
            if (n <= 0) std::abort();
            done += static_cast<std::size_t>(n);
        }
        return path_;
    }

private:
    int fd_;
    std::string path_;
};

}  // namespace trainctl::fuzzing
