// Input files: non-blocking open, fstat type check, then ordinary blocking reads.
#include "core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace trainctl {
namespace {

// What a non-regular file is, for the message.
const char* file_type_name(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "a special file";
}

}  // namespace

InputFile open_input_file(const std::string& path, const std::string& expected, int exit_code) {
    InputFile file;
    file.fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!file.fd.valid()) return file;
    struct stat st {};
    if (::fstat(file.fd.get(), &st) != 0)
        throw Error(path + ": cannot stat: " + std::strerror(errno), exit_code);
    if (!S_ISREG(st.st_mode))
        throw Error(path + ": not a regular file, expected " + expected + ", found " + file_type_name(st.st_mode),
                    exit_code);
    const int flags = ::fcntl(file.fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(file.fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0)
        throw Error(path + ": cannot read: " + std::strerror(errno), exit_code);
    file.size = static_cast<std::uint64_t>(st.st_size);
    return file;
}

std::vector<std::uint8_t> read_input_file(const std::string& path, const InputFile& file, int exit_code) {
    std::vector<std::uint8_t> bytes(file.size);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pread(file.fd.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(path + ": read failed: " + std::strerror(errno), exit_code);
        if (n == 0) throw Error(path + ": file shrank while being read", exit_code);
        done += static_cast<std::size_t>(n);
    }
    return bytes;
}

}  // namespace trainctl
