// RunConfig: every setting of a training run, read from JSON and flags, validated in one place.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>
#include <nlohmann/json_fwd.hpp>

#include "core/data/input_spec.hpp"
#include "core/init_spec.hpp"
#include "core/lr_schedule.hpp"
#include "core/optimizer_spec.hpp"

namespace trainctl {

struct NetSpec {
    std::string type = "lenet5";          // lenet5 | mlp
    bool fc_relu = false;                 // lenet5: ReLU between the fc layers (Paddle's variant)
    bool conv2_relu = true;               // lenet5: ReLU after conv2 (Paddle's tutorial has none)
    std::size_t conv_padding = 0;         // lenet5: padding of conv1 (Paddle: 2 on 28x28 input)
    bool conv_bias = false;               // lenet5: MindSpore's Conv2d has no bias by default
    std::vector<std::size_t> hidden{512, 512};  // mlp hidden sizes
    // Outputs of the last layer. 0 in a config: from the training labels (the run stores what it
    // found); 0 in a net built without data (tests, benches, checkpoints from before class
    // counts were stored): MNIST's ten digits.
    std::size_t num_classes = 0;
    // The classes' names in label order, from the data set (not a config key): the folder names
    // of an image folder, Fashion-MNIST's ten. Empty: a class is shown as its number.
    std::vector<std::string> class_names;
};

// The metric --keep-best ranks by and --early-stop watches; parsed once (same order as the key's
// choices). kAcc and kLoss are the validation set's with a val_split, else the test set's.
enum class Monitor { kAcc, kLoss, kValAcc, kValLoss, kTestAcc, kTestLoss };
// "acc", "val_loss", ..., as the config key spells it.
const std::string& monitor_name(Monitor monitor);

// Early stopping (Keras' EarlyStopping): the run ends once the monitored metric has not
// improved by more than min_delta for `patience` epochs in a row.
struct EarlyStopSpec {
    std::size_t patience = 0;  // 0: off (the key says "off")
    double min_delta = 0;
};

// When a run saves: the one value ckpt_steps and ckpt_seconds resolve to as the config is read
// (steps, "epoch" included, win over seconds: core/config_checkpointing.cpp).
struct SaveEvery {
    enum class Kind { kNever, kSteps, kEpoch, kSeconds };
    Kind kind = Kind::kNever;
    std::uint64_t steps = 0;  // kSteps: every N global steps
    // kSeconds: every S seconds of training time. Kept as given when steps win, so the config
    // prints back both keys it was given.
    double seconds = 0;
};

struct CheckpointSpec {
    SaveEvery save{SaveEvery::Kind::kEpoch};  // once per epoch unless the config says otherwise
    std::size_t keep_max = 5;    // keep the newest N step checkpoints; 0 = no limit
    double keep_per_minutes = 0; // keep one per M minutes of training (when keep_max is 0)
    std::size_t keep_best = 0;   // keep the K best by `monitor` in prefix-best-*.ckpt
    Monitor monitor = Monitor::kAcc;
    bool async_save = false;
};

struct RunConfig {
    NetSpec net;
    InitSpec::Kind init = InitSpec::Kind::kPytorch;
    float init_sigma = 0.02f;
    InputSpec input;
    OptimizerSpec optimizer;
    float lr = 0.01f;
    ScheduleSpec schedule;
    std::size_t epochs = 2;
    std::size_t batch_size = 32;
    bool drop_remainder = true;
    std::uint64_t seed = 1;
    int threads = 0;               // 0 = all cores
    std::string data;              // "" = default lookup
    std::string dataset = "mnist"; // mnist | fashion-mnist: where the default lookup looks, the class names
    bool skip_bad_images = false;  // image folders: leave out unreadable files (counted) instead of failing
    std::string out = "ckpt";
    std::string prefix = "lenet";
    std::size_t log_every = 0;     // 0 = once per epoch (LossMonitor(steps_per_epoch))
    std::size_t train_limit = 0;   // use only the first N training images; 0 = all
    float val_split = 0;           // share of those held out for validation (core/data/val_split.hpp); 0 = none
    bool eval = true;              // evaluate on the test set after each epoch (with a val_split, after the last)
    CheckpointSpec ckpt;
    EarlyStopSpec early_stop;
};

class ConfigReader;  // core/config_key.hpp

// One settable key: its JSON path ("lr", "input.size"), what it takes, and how it reads into
// and writes from a RunConfig. Flags and help are the command line's (cmd/config_flags.hpp).
struct ConfigKey {
    std::string key;
    bool boolean = false;                // a bare flag means true: --async-save
    std::vector<std::string> choices{};  // the only values a text key takes (--optimizer)
    std::function<void(const ConfigReader&, RunConfig&)> read;  // leaves the field when absent
    std::function<nlohmann::json(const RunConfig&)> write;
};
// Every key, section by section (core/config_<section>.cpp).
const std::vector<ConfigKey>& config_keys();
// Where a key's value is in the config JSON: "input.size" -> "/input/size".
nlohmann::json_pointer<std::string> config_key_pointer(const std::string& key);

// Where a value came from, for messages: key -> "configs/x.json: key \"lr\"" or "--lr".
using ConfigOrigins = std::map<std::string, std::string>;

// Reads a JSON file (usage_error naming the file on any problem) and records origins.
nlohmann::json read_config_file(const std::string& path, ConfigOrigins& origins);
// Validates every key (unknown keys, types, ranges) into a RunConfig; usage_error on failure.
// Policy conflicts are resolved as MindSpore does (steps over seconds, keep_max over
// keep_per_minutes) and explained in `warnings` when both were given.
RunConfig parse_config(const nlohmann::json& j, const ConfigOrigins& origins,
                       std::vector<std::string>* warnings = nullptr);
nlohmann::json to_json(const RunConfig& c);

// A checkpoint prefix: letters, digits, '.', '_' or '-', not empty and not starting with '.',
// so it can never name another directory or a hidden file.
bool is_valid_prefix(const std::string& prefix);

}  // namespace trainctl
