// Which stored config keys a resume keeps, why, and what to run instead.
#include "cmd/resume_fixed_keys.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cmd/config_flags.hpp"
#include "cmd/run/shell_word.hpp"
#include "core/error.hpp"

namespace trainctl {

namespace {

// What starts a run with the new value: fine-tuning keeps the checkpoint's weights; the extra
// flags are those `train --init-from` needs when the tensors or the optimizer state no longer fit.
enum class Instead { kNewRun, kFineTune, kFineTuneNewShapes, kFineTuneNewOptimizer };

struct FixedKey {
    const char* key;
    const char* why;
    Instead instead;
    const char* net = nullptr;  // the only net that uses the key
};

constexpr const char* kShapes = "the checkpoint's tensors have the shapes it gives";
constexpr const char* kTrainedWith = "the checkpoint's weights were trained with it";
constexpr const char* kStepsAndOrder = "the steps per epoch, the step numbers and the data order follow it";
constexpr const char* kInitOnly = "it only draws the initial weights, which the checkpoint replaces";

const FixedKey kFixedKeys[] = {
    {"net", "the checkpoint's tensors are this net's", Instead::kNewRun},
    {"fc_relu", kTrainedWith, Instead::kFineTune, "lenet5"},
    {"conv2_relu", kTrainedWith, Instead::kFineTune, "lenet5"},
    {"conv_padding", kShapes, Instead::kFineTuneNewShapes, "lenet5"},
    {"conv_bias", kShapes, Instead::kFineTuneNewShapes, "lenet5"},
    {"hidden", kShapes, Instead::kFineTuneNewShapes, "mlp"},
    {"num_classes", kShapes, Instead::kFineTuneNewShapes},
    {"dataset", "the run continues on its training set", Instead::kFineTune},
    {"input.size", kShapes, Instead::kFineTuneNewShapes},
    {"input.mean", kTrainedWith, Instead::kFineTune},
    {"input.std", kTrainedWith, Instead::kFineTune},
    {"init", kInitOnly, Instead::kNewRun},
    {"init_sigma", kInitOnly, Instead::kNewRun},
    {"optimizer", "the checkpoint holds this optimizer's state", Instead::kFineTuneNewOptimizer},
    {"batch_size", kStepsAndOrder, Instead::kFineTune},
    {"drop_remainder", kStepsAndOrder, Instead::kFineTune},
    {"train_limit", kStepsAndOrder, Instead::kFineTune},
    {"val_split", "the images held out, the steps per epoch and the data order follow it", Instead::kFineTune},
    {"seed", "the data order and init depend on it", Instead::kFineTune},
};

const FixedKey* find_fixed(const std::string& key) {
    const auto it = std::find_if(std::begin(kFixedKeys), std::end(kFixedKeys),
                                 [&](const FixedKey& f) { return key == f.key; });
    return it == std::end(kFixedKeys) ? nullptr : &*it;
}

std::string instead_command(const FixedKey& fixed, const std::string& from, const std::string& value) {
    const std::string set = flag_of(fixed.key) + " " + shell_word(value);
    switch (fixed.instead) {
        case Instead::kNewRun: return "train " + set;
        case Instead::kFineTune: return "train --init-from " + shell_word(from) + " " + set;
        case Instead::kFineTuneNewShapes:
            return "train --init-from " + shell_word(from) + " " + set + " --skip-mismatch --reset-optimizer";
        case Instead::kFineTuneNewOptimizer:
            return "train --init-from " + shell_word(from) + " " + set + " --reset-optimizer";
    }
    return "";
}

}  // namespace

std::string resume_fixed_reason(const std::string& key) {
    const FixedKey* fixed = find_fixed(key);
    return fixed ? fixed->why : "";
}

void refuse_fixed_key_changes(const nlohmann::json& stored, const nlohmann::json& resumed,
                              const ConfigOrigins& origins, const std::string& from) {
    for (const FixedKey& fixed : kFixedKeys) {
        const auto pointer = config_key_pointer(fixed.key);
        const nlohmann::json& was = stored.at(pointer);
        const nlohmann::json& now = resumed.at(pointer);
        if (was == now) continue;
        // Another net's key: the run's net, which the resume keeps, does not read it.
        const std::string net = stored.at("net").get<std::string>();
        const std::string why = fixed.net && net != fixed.net
                                    ? std::string("net ") + net + " does not use it, and the run keeps its net"
                                    : fixed.why;
        const auto origin = origins.find(fixed.key);
        const std::string where = origin == origins.end() ? "config key \"" + std::string(fixed.key) + "\"" : origin->second;
        throw usage_error(where + ": a resumed run keeps its stored " + fixed.key + " " + flag_text(was) + " (" + why +
                          "); to change it, start a new run: " + instead_command(fixed, from, flag_text(now)));
    }
}

}  // namespace trainctl
