// Crash-safe file replacement: readers see the old file or the new one, never a torn mix.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace trainctl {

struct ByteSpan {
    const void* data;
    std::size_t size;
};

// kDeferred leaves the directory fsync to the caller's next atomic operation in the same
// directory (each fsync costs a journal commit): used when a pointer update follows at once.
// Journaled filesystems commit renames in order, so the later fsync makes both durable.
enum class DirSync { kNow, kDeferred };

// Writes the concatenation of `pieces` to PATH.tmp, fsyncs it, renames it over `path` and fsyncs
// the directory. Pieces are gathered into writev calls of 16 MB. Nothing is written through a
// symlink: a leftover PATH.tmp of any kind is unlinked, never opened, PATH.tmp is created with
// O_EXCL | O_NOFOLLOW, and a symlink at `path` is itself replaced by the rename.
// On failure PATH.tmp is removed, an existing `path` is left as it was, and Error is thrown with
// kExitSaveFailed: "PATH: save failed: <step> PATH.tmp: <strerror>".
void atomic_write_file(const std::string& path, const std::vector<ByteSpan>& pieces,
                       DirSync dir_sync = DirSync::kNow);

// Points the symlink `path` at `target` (relative to the link's directory) as atomically:
// unlink any leftover PATH.tmp, symlink PATH.tmp, rename it over `path`, fsync the directory.
// A symlink carries no data to fsync, so this costs a third of atomic_write_file. Returns false,
// with nothing changed, when the filesystem has no symlinks (vfat, some FUSE mounts); other
// failures throw as above.
bool atomic_symlink(const std::string& target, const std::string& path);

}  // namespace trainctl
