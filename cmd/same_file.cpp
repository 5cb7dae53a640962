// refuse_output_over_input: an output flag may not name a file the command reads or writes.
#include "cmd/same_file.hpp"

#include <sys/stat.h>

#include "core/error.hpp"
#include "core/path_text.hpp"

namespace trainctl {

namespace {
bool same_inode(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// Two names of one directory entry: the same directory (by inode) and last component.
bool same_place(const std::string& a, const std::string& b) {
    const std::string a_dir = dir_name(a), a_name = base_name(a);
    const std::string b_dir = dir_name(b), b_name = base_name(b);
    struct stat a_st {}, b_st {};
    return a_name == b_name && ::stat(a_dir.c_str(), &a_st) == 0 && ::stat(b_dir.c_str(), &b_st) == 0 &&
           same_inode(a_st, b_st);
}

// An input read through `in` is the same file as `out` when one inode stands under both names
// (or `out` is a link to it); another output only when both name one directory entry, since
// each write replaces its name and never follows it.
bool same_file(const std::string& out, const CommandInput& in) {
    if (out == in.path) return true;
    if (in.written) return same_place(out, in.path);
    struct stat in_st {}, out_st {};
    if (::stat(in.path.c_str(), &in_st) != 0) return false;
    return (::stat(out.c_str(), &out_st) == 0 && same_inode(in_st, out_st)) ||
           (::lstat(out.c_str(), &out_st) == 0 && same_inode(in_st, out_st));
}
}  // namespace

void refuse_output_over_input(const std::string& flag, const std::string& path, const std::vector<CommandInput>& inputs) {
    for (const CommandInput& in : inputs)
        if (same_file(path, in))
            throw usage_error(flag + " " + path + " is " + in.role + " itself; choose another path (same file as " +
                              in.flag + " " + in.path + ")");
}

}  // namespace trainctl
