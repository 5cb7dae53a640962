// The files a run may replace or delete: those it wrote in this process, or adopted after their
// metadata proved them its own, each remembered by device and inode (plus size and mtime: a
// file made after one was deleted may get its inode). A name that now holds another file
// (another run's, a symlink planted there) is left alone.
#pragma once
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>

namespace trainctl {

struct FileId {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    long long mtime_ns = 0;
    bool operator==(const FileId& o) const { return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns; }
};

// The regular file at `path` itself (a symlink is not followed: nullopt, as for no file).
std::optional<FileId> regular_file_id(const std::string& path);
// Whether `path` is the regular file `id` (lstat: a symlink there is not).
bool is_same_file(const std::string& path, const FileId& id);
// Unlinks `path` only when it still is the file `id`; true when it did.
bool unlink_if_same(const std::string& path, const FileId& id);

class OwnedFiles {
public:
    explicit OwnedFiles(std::string dir) : dir_(std::move(dir)) {}
    void remember(const std::string& name, const FileId& id) { ids_[name] = id; }
    // Remembers the regular file now at `name`; false when there is none.
    bool remember(const std::string& name);
    // The remembered identity when `name` still holds that very file.
    std::optional<FileId> still_own(const std::string& name) const;
    // Whether a save may write `name`: nothing is there, or the file this run owns.
    bool may_write(const std::string& name) const;
    // Forgets `name`, returning its identity when it still holds this run's file.
    std::optional<FileId> release(const std::string& name);
    // Unlinks `name` when it is still this run's file; false (nothing done) otherwise.
    bool remove(const std::string& name);

private:
    std::string path_of(const std::string& name) const { return dir_ + "/" + name; }
    std::string dir_;
    std::map<std::string, FileId> ids_;
};

}  // namespace trainctl
