// Walks argv down the subcommand tree the way CLI11 does, and checks each --flag against the
// subcommand that owns it.
#include "cmd/cli_suggest.hpp"

#include <vector>

#include "core/suggest.hpp"

namespace trainctl {
namespace {

std::vector<CLI::App*> subcommands_of(CLI::App& app) {
    return app.get_subcommands([](CLI::App*) { return true; });
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& names) {
    const std::string best = closest_name(word, names);
    return best.empty() ? "" : " (did you mean " + best + "?)";
}

}  // namespace

std::string explain_unknown_words(CLI::App& app, int argc, char** argv) {
    CLI::App* current = &app;
    std::string path = "trainctl";
    int i = 1;
    for (; i < argc && argv[i][0] != '-'; ++i) {
        const auto subs = subcommands_of(*current);
        if (subs.empty()) break;  // a positional value, CLI11 judges it
        CLI::App* next = nullptr;
        std::vector<std::string> names;
        for (CLI::App* sub : subs) {
            names.push_back(sub->get_name());
            if (sub->get_name() == argv[i]) next = sub;
        }
        if (!next) return "unknown subcommand \"" + std::string(argv[i]) + "\" for " + path + did_you_mean(argv[i], names);
        current = next;
        path += " " + current->get_name();
    }
    for (; i < argc; ++i) {
        const std::string word = argv[i];
        if (word == "--") break;
        if (word.size() < 3 || word.compare(0, 2, "--") != 0) continue;
        const std::string flag = word.substr(0, word.find('='));
        if (flag == "--help" || current->get_option_no_throw(flag) != nullptr) continue;
        std::vector<std::string> flags;
        for (const CLI::Option* opt : current->get_options())
            for (const std::string& name : opt->get_lnames()) flags.push_back("--" + name);
        return "unknown flag " + flag + " for " + path + did_you_mean(flag, flags);
    }
    return "";
}

}  // namespace trainctl
