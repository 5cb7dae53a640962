// The subcommands: each cmd/X.cpp defines setup_X, which registers its flags and callback.
#pragma once
#include <CLI/CLI.hpp>

namespace trainctl {
void setup_train(CLI::App& app);
void setup_resume(CLI::App& app);
void setup_ckpt(CLI::App& app);
void setup_eval(CLI::App& app);
void setup_infer(CLI::App& app);
void setup_export(CLI::App& app);
void setup_plot(CLI::App& app);
void setup_summary(CLI::App& app);
}  // namespace trainctl
