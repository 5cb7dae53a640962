// The `ckpt` subcommands' options and entry points, shared by cmd/ckpt.cpp (flags) and
// cmd/ckpt_{ls,inspect,diff}.cpp (the work).
#pragma once
#include <string>
#include <vector>

namespace trainctl {

struct CkptLsOptions {
    std::string dir = "ckpt";
    bool json = false;
};
struct CkptInspectOptions {
    std::string file;
    bool json = false;
};
struct CkptVerifyOptions {
    std::vector<std::string> files;
};
struct CkptDiffOptions {
    std::string a, b;
    bool json = false;
    // Either set: tensors whose every element has |a-b| <= atol + rtol*|b| pass too ("close").
    double atol = 0, rtol = 0;
};

void run_ckpt_ls(const CkptLsOptions& opt);
void run_ckpt_inspect(const CkptInspectOptions& opt);  // throws Error (exit 1) when a tensor CRC is bad
void run_ckpt_verify(const CkptVerifyOptions& opt);    // throws Error (exit 1) when any file has a problem
void run_ckpt_diff(const CkptDiffOptions& opt);        // throws Error (exit 1) unless all tensors are identical (or close)

}  // namespace trainctl
