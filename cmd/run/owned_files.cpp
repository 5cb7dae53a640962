// File identity by device and inode, checked with lstat semantics just before each use.
#include "cmd/run/owned_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace trainctl {

std::optional<FileId> regular_file_id(const std::string& path) {
    struct stat st {};
    if (::fstatat(AT_FDCWD, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return FileId{st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
}

bool is_same_file(const std::string& path, const FileId& id) {
    const std::optional<FileId> now = regular_file_id(path);
    return now && *now == id;
}

bool unlink_if_same(const std::string& path, const FileId& id) {
    return is_same_file(path, id) && ::unlink(path.c_str()) == 0;
}

bool OwnedFiles::remember(const std::string& name) {
    const std::optional<FileId> id = regular_file_id(path_of(name));
    if (id) ids_[name] = *id;
    return id.has_value();
}

std::optional<FileId> OwnedFiles::still_own(const std::string& name) const {
    const auto it = ids_.find(name);
    if (it == ids_.end()) return std::nullopt;
    if (!is_same_file(path_of(name), it->second)) return std::nullopt;
    return it->second;
}

bool OwnedFiles::may_write(const std::string& name) const {
    struct stat st {};
    if (::fstatat(AT_FDCWD, path_of(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT) return true;
    return still_own(name).has_value();
}

std::optional<FileId> OwnedFiles::release(const std::string& name) {
    const std::optional<FileId> id = still_own(name);
    ids_.erase(name);
    return id;
}

bool OwnedFiles::remove(const std::string& name) {
    const std::optional<FileId> id = release(name);
    return id && unlink_if_same(path_of(name), *id);
}

}  // namespace trainctl
