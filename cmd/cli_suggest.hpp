// Better words for CLI11's parse errors: a mistyped subcommand or flag is named, with the
// closest real one ("unknown flag --epoch for trainctl train (did you mean --epochs?)").
#pragma once
#include <string>

#include <CLI/CLI.hpp>

namespace trainctl {

// The first unknown subcommand or --flag in argv, explained; "" when every word is known.
std::string explain_unknown_words(CLI::App& app, int argc, char** argv);

}  // namespace trainctl
