// Walks argv down the subcommand tree the way CLI11 does, and checks each --flag against the
// subcommand that owns it.
#include "cmd/cli_suggest.hpp"

#include <utility>
#include <vector>

#include "core/strings.hpp"
#include "core/suggest.hpp"

namespace trainctl {
namespace {

std::vector<CLI::App*> subcommands_of(CLI::App& app) {
    return app.get_subcommands([](CLI::App*) { return true; });
}

std::string did_you_mean(const std::string& name) { return name.empty() ? "" : " (did you mean " + name + "?)"; }

// What users of the tutorials and of other trainers type, too far in spelling to be guessed:
// MindSpore's CheckpointConfig arguments, Paddle's and Lightning's names, common habits.
const std::vector<std::pair<std::string, std::string>> kFlagSynonyms = {
    {"--save-checkpoint-steps", "--ckpt-steps"},
    {"--save-checkpoint-seconds", "--ckpt-seconds"},
    {"--keep-checkpoint-max", "--keep-max"},
    {"--keep-checkpoint-per-n-minutes", "--keep-per-minutes"},
    {"--save-top-k", "--keep-best"},
    {"--dir", "--out"},
    {"--directory", "--out"},
    {"--output", "--out"},
    {"--output-dir", "--out"},
    {"--save-dir", "--out"},
    {"--ckpt-dir", "--out"},
    {"--default-root-dir", "--out"},
    {"--learning-rate", "--lr"},
    {"--batch", "--batch-size"},
    {"--max-epochs", "--epochs"},
    {"--num-epochs", "--epochs"},
    {"--num-threads", "--threads"},
    {"--resume-from", "--from"},
    {"--checkpoint", "--ckpt"},
    {"--data-dir", "--data"},
    {"--dataset", "--data"},
};

// The flag `flag` stands for in `app`, when it is a known synonym of one of app's flags.
std::string synonym_in(CLI::App& app, const std::string& flag) {
    for (const auto& [synonym, name] : kFlagSynonyms)
        if (synonym == flag && app.get_option_no_throw(name) != nullptr) return name;
    return "";
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
        if (!next)
            return "unknown subcommand \"" + std::string(argv[i]) + "\" for " + path + did_you_mean(closest_name(argv[i], names));
        current = next;
        path += " " + current->get_name();
    }
    for (; i < argc; ++i) {
        const std::string word = argv[i];
        if (word == "--") break;
        if (word.size() < 3 || !starts_with(word, "--")) continue;
        const std::string flag = word.substr(0, word.find('='));
        if (flag == "--help" || current->get_option_no_throw(flag) != nullptr) continue;
        std::vector<std::string> flags;
        for (const CLI::Option* opt : current->get_options())
            for (const std::string& name : opt->get_lnames()) flags.push_back("--" + name);
        const std::string synonym = synonym_in(*current, flag);
        return "unknown flag " + flag + " for " + path + did_you_mean(synonym.empty() ? closest_name(flag, flags) : synonym);
    }
    // `trainctl` or `trainctl ckpt` alone: name what may follow (CLI11 says "A subcommand is required").
    const auto subs = subcommands_of(*current);
    if (subs.empty()) return "";
    std::string list;
    for (std::size_t k = 0; k < subs.size(); ++k)
        list += (k == 0 ? "" : k + 1 == subs.size() ? " or " : ", ") + subs[k]->get_name();
    return path + " needs a subcommand: " + list;
}

}  // namespace trainctl
