// Output flags checked against the files a command reads: "the same file" is decided by device
// and inode, never by spelling, so ./x.ckpt, dir/../x.ckpt and a symlink are all caught.
#pragma once
#include <string>
#include <vector>

namespace trainctl {

struct CommandInput {
    std::string role;  // "the checkpoint", "an input image", "the export"
    std::string flag;  // where it came from: "--ckpt", "--input", "--data", "--out"
    std::string path;
    bool written = false;  // another output of the command, replaced by name (never followed)
};

// Throws usage_error (exit 2) when the output `path` given to `flag` is one of `inputs`: spelled
// the same, or existing with the device and inode of the input (stat), itself or as a link to it
// (stat and lstat of `path`). A `written` input is a name, not a file: it matches a `path` in
// the same directory (by inode) with the same file name. One line, e.g. "--out ./x.ckpt is the
// checkpoint itself; choose another path (same file as --ckpt x.ckpt)".
void refuse_output_over_input(const std::string& flag, const std::string& path, const std::vector<CommandInput>& inputs);

}  // namespace trainctl
