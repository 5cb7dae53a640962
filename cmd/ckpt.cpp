// `trainctl ckpt ls|inspect|verify|diff`: look at checkpoints without loading a net.
// Flags live here, with `verify` (a loop over ckpt_verify); the other work is in cmd/ckpt_*.cpp.
#include <iostream>
#include <memory>

#include "ckpt_format/ckpt_reader.hpp"
#include "cmd/ckpt_cmds.hpp"
#include "cmd/ckpt_show.hpp"
#include "cmd/commands.hpp"
#include "core/error.hpp"

namespace trainctl {

void run_ckpt_verify(const CkptVerifyOptions& opt) {
    std::string bad;
    for (const std::string& file : opt.files) {
        const std::vector<std::string> problems = ckpt_verify(file, CkptValues::kFinite);
        std::cout << file << ": " << (problems.empty() ? "ok" : join_problems(file, problems)) << "\n";
        if (!problems.empty()) bad += (bad.empty() ? "" : ", ") + file;
    }
    if (!bad.empty()) throw Error("ckpt verify: failed: " + bad);
}

void setup_ckpt(CLI::App& app) {
    CLI::App* ckpt = app.add_subcommand("ckpt", "List, inspect, verify and compare checkpoint files");
    ckpt->require_subcommand(1);

    auto ls = std::make_shared<CkptLsOptions>();
    CLI::App* sub = ckpt->add_subcommand("ls", "Table of every .ckpt in DIR (or of one FILE), by global step, with its state and validity");
    sub->add_option("dir", ls->dir, "checkpoint directory, or one .ckpt file")->capture_default_str();
    sub->add_flag("--json", ls->json, "print one JSON object on stdout");
    sub->callback([ls] { run_ckpt_ls(*ls); });

    auto inspect = std::make_shared<CkptInspectOptions>();
    sub = ckpt->add_subcommand("inspect", "Metadata and per-tensor dtype, shape, min/max/mean/std and CRC of FILE "
                                          "(exit 1 if a CRC fails)");
    sub->add_option("file", inspect->file, "checkpoint file")->required();
    sub->add_flag("--json", inspect->json, "print one JSON object on stdout");
    sub->callback([inspect] { run_ckpt_inspect(*inspect); });

    auto verify = std::make_shared<CkptVerifyOptions>();
    sub = ckpt->add_subcommand("verify", "Check header, lengths and every CRC; prints 'FILE: ok' or 'FILE: problem' "
                                         "per file (exit 1 if any problem)");
    sub->add_option("files", verify->files, "checkpoint files")->required();
    sub->callback([verify] { run_ckpt_verify(*verify); });

    auto diff = std::make_shared<CkptDiffOptions>();
    sub = ckpt->add_subcommand("diff", "Compare the tensors of A and B (metadata is not compared); exit 0 if every "
                                       "tensor is byte-identical and none is missing from either file, else 1");
    sub->add_option("a", diff->a, "first checkpoint")->required();
    sub->add_option("b", diff->b, "second checkpoint")->required();
    sub->add_flag("--json", diff->json, "print one JSON object on stdout");
    sub->add_option("--atol", diff->atol, "a tensor also passes when every |a-b| <= atol + rtol*|b| (default 0)")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--rtol", diff->rtol, "relative tolerance, as in --atol (default 0)")->check(CLI::NonNegativeNumber);
    sub->callback([diff] { run_ckpt_diff(*diff); });
}

}  // namespace trainctl
