// Config keys, file reading, flag overrides and validation.
#include "core/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/error.hpp"
#include "core/float_text.hpp"
#include "core/input_file.hpp"
#include "core/json_limit.hpp"
#include "core/suggest.hpp"

namespace trainctl {

using nlohmann::json;

const std::vector<ConfigKey>& config_keys() {
    static const std::vector<ConfigKey> keys = {
        {"net", "--net", "network", false, {"lenet5", "mlp"}},
        {"fc_relu", "--fc-relu", "lenet5: ReLU between the fc layers (true|false)", true},
        {"conv2_relu", "--conv2-relu", "lenet5: ReLU after conv2 (true|false; false: the Paddle tutorial's net)", true},
        {"conv_padding", "--conv-padding", "lenet5: padding of conv1 (Paddle's variant: 2 on 28x28)"},
        {"conv_bias", "--conv-bias", "lenet5: conv layers have a bias (true|false)", true},
        {"hidden", "--hidden", "mlp: hidden layer sizes, e.g. 512,512 (64: one layer)"},
        {"init", "--init", "weight init", false, {"pytorch", "normal"}},  // InitSpec::Kind's order
        {"init_sigma", "--init-sigma", "sigma of the normal init"},
        {"input.size", "--input-size", "input side in pixels (28 = no resize, 32 = LeNet5)"},
        {"input.mean", "--input-mean", "normalisation mean (of pixel/255)"},
        {"input.std", "--input-std", "normalisation std (of pixel/255)"},
        {"optimizer", "--optimizer", "optimizer", false, {"sgd", "momentum", "adam"}},
        {"lr", "--lr", "learning rate"},
        {"momentum", "--momentum", "momentum factor"},
        {"nesterov", "--nesterov", "Nesterov momentum (true|false)", true},
        {"weight_decay", "--weight-decay", "L2 weight decay"},
        {"beta1", "--beta1", "adam beta1"},
        {"beta2", "--beta2", "adam beta2"},
        {"eps", "--eps", "adam epsilon"},
        {"lr_schedule", "--lr-schedule", "learning rate schedule", false, {"constant", "step", "cosine"}},  // LrSchedule's
        {"lr_step_epochs", "--lr-step-epochs", "step schedule: epochs between drops"},
        {"lr_gamma", "--lr-gamma", "step schedule: factor per drop"},
        {"lr_min", "--lr-min", "cosine schedule: final learning rate"},
        {"epochs", "--epochs", "number of epochs"},
        {"batch_size", "--batch-size", "images per step"},
        {"drop_remainder", "--drop-remainder", "drop the last incomplete batch (true|false)", true},
        {"seed", "--seed", "run seed: init and data order"},
        {"threads", "--threads", "BLAS and engine threads (0 = all cores)"},
        {"data", "--data", "MNIST folder (flat, or train/ + test/), or its parent holding mnist/"},
        {"out", "--out", "directory for checkpoints"},
        {"prefix", "--prefix", "checkpoint file prefix"},
        {"log_every", "--log-every", "log the loss every N steps (0 = once per epoch)"},
        {"train_limit", "--train-limit", "use only the first N training images (0 = all)"},
        {"eval", "--eval", "evaluate on the test set after each epoch (true|false; false: never, trainctl eval scores a checkpoint later)", true},
        {"ckpt_steps", "--ckpt-steps", "save every N steps (\"epoch\" = once per epoch, 0 = off)"},
        {"ckpt_seconds", "--ckpt-seconds", "save every S seconds of training steps (0 = off): the clock the checkpoints store, which a resume continues and evaluation, saving and pauses do not advance (MindSpore counts wall time)"},
        {"keep_max", "--keep-max", "keep the newest N checkpoints (0 = all)"},
        {"keep_per_minutes", "--keep-per-minutes", "keep one checkpoint per M minutes of training steps (the --ckpt-seconds clock)"},
        {"keep_best", "--keep-best", "also keep the K best checkpoints by --monitor"},
        {"monitor", "--monitor", "metric for --keep-best", false, {"acc", "loss"}},  // Monitor's order
        {"async_save", "--async-save", "write checkpoints from a background thread (true|false)", true},
    };
    return keys;
}

namespace {

const ConfigKey& config_key(const std::string& key) {
    for (const auto& k : config_keys())
        if (k.key == key) return k;
    throw std::logic_error("no config key " + key);  // our bug: parse_config names only listed keys
}
}  // namespace

template <class E>
const std::string& choice_name(const std::string& key, E value);

namespace {


std::string closest_key(const std::string& key) {
    std::vector<std::string> keys;
    for (const auto& k : config_keys()) keys.push_back(k.key);
    const std::string best = closest_name(key, keys);
    return best.empty() ? "" : " (did you mean \"" + best + "\"?)";
}

// Typed, range-checked access to the config, naming where a bad value came from.
class ConfigReader {
public:
    ConfigReader(const json& j, const ConfigOrigins& origins) : j_(j), origins_(origins) {}

    [[noreturn]] void fail(const std::string& key, const std::string& expected) const {
        const json& v = j_.at(config_key_pointer(key));
        throw usage_error(where(key) + " must be " + expected + ", got " + v.dump());
    }
    std::string where(const std::string& key) const {
        auto it = origins_.find(key);
        return it != origins_.end() ? it->second : "config key \"" + key + "\"";
    }
    bool has(const std::string& key) const { return j_.contains(config_key_pointer(key)); }

    template <class T>
    void number(const std::string& key, T& out, const std::function<bool(double)>& ok, const std::string& expected) {
        if (!has(key)) return;
        const json& v = j_.at(config_key_pointer(key));
        if (!v.is_number() || !ok(v.get<double>())) fail(key, expected);
        // Checked again as stored: as a float, 1e-50 is 0 and fails "> 0", and 1e39 does not fit.
        const double d = v.get<double>();
        if (std::fabs(d) > std::numeric_limits<T>::max() || !ok(static_cast<T>(d))) fail(key, expected + " as a float");
        out = static_cast<T>(d);
    }
    template <class T>
    void integer(const std::string& key, T& out, std::uint64_t lo, std::uint64_t hi) {
        if (!has(key)) return;
        const json& v = j_.at(config_key_pointer(key));
        std::string expected = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
        if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<long long>() < 0)) fail(key, expected);
        std::uint64_t u = v.get<std::uint64_t>();
        if (u < lo || u > hi) fail(key, expected);
        out = static_cast<T>(u);
    }
    void boolean(const std::string& key, bool& out) {
        if (!has(key)) return;
        const json& v = j_.at(config_key_pointer(key));
        if (!v.is_boolean()) fail(key, "true or false");
        out = v.get<bool>();
    }
    void choice(const std::string& key, std::string& out) {
        if (!has(key)) return;
        const std::vector<std::string>& allowed = config_key(key).choices;
        const json& v = j_.at(config_key_pointer(key));
        std::string expected = "one of";
        for (const auto& a : allowed) expected += " \"" + a + "\"";
        if (!v.is_string() || std::find(allowed.begin(), allowed.end(), v.get<std::string>()) == allowed.end())
            fail(key, expected);
        out = v.get<std::string>();
    }
    // An enum key: its value is the index of the text among the key's choices.
    template <class E>
    void choice(const std::string& key, E& out) {
        std::string name = choice_name(key, out);
        choice(key, name);
        const std::vector<std::string>& allowed = config_key(key).choices;
        out = static_cast<E>(std::find(allowed.begin(), allowed.end(), name) - allowed.begin());
    }
    void text(const std::string& key, std::string& out, bool allow_empty) {
        if (!has(key)) return;
        const json& v = j_.at(config_key_pointer(key));
        if (!v.is_string() || (!allow_empty && v.get<std::string>().empty())) fail(key, "a non-empty string");
        out = v.get<std::string>();
    }
    const json& value(const std::string& key) const { return j_.at(config_key_pointer(key)); }

private:
    const json& j_;
    const ConfigOrigins& origins_;
};

}  // namespace

template <class E>
const std::string& choice_name(const std::string& key, E value) {
    return config_key(key).choices.at(static_cast<std::size_t>(value));
}

const std::string& monitor_name(Monitor monitor) { return choice_name("monitor", monitor); }

namespace {

// source names the file for messages ("" once flags are merged in).
void check_known_keys(const json& j, const std::string& source) {
    std::set<std::string> known;
    for (const auto& k : config_keys()) known.insert(k.key);
    const std::string where = source.empty() ? "config" : source;
    if (!j.is_object()) throw usage_error(where + ": expected a JSON object, got " + std::string(j.type_name()));
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "input") {
            if (!it.value().is_object())
                throw usage_error(where + ": key \"input\" must be an object with size, mean, std");
            for (auto in = it.value().begin(); in != it.value().end(); ++in)
                if (!known.count("input." + in.key()))
                    throw usage_error(where + ": unknown key \"input." + in.key() + "\"" + closest_key("input." + in.key()));
        } else if (!known.count(it.key())) {
            throw usage_error(where + ": unknown key \"" + it.key() + "\"" + closest_key(it.key()));
        }
    }
}

// nlohmann's message without its "[json.exception.parse_error.101] " tag and the token it
// last read (for a bad string, the whole string so far: the message stays one short line).
std::string parse_error_text(const json::exception& e) {
    std::string msg = e.what();
    const std::size_t tag = msg.find("] ");
    if (tag != std::string::npos) msg.erase(0, tag + 2);
    return msg.substr(0, msg.find("; last read"));
}

// Far deeper than any MLP worth training on MNIST, and it bounds the tensor count of a checkpoint.
constexpr std::size_t kMaxHiddenLayers = 64;

// Configs are a few hundred bytes; this only stops a wrong path (a dataset) being slurped.
constexpr std::uintmax_t kConfigMaxBytes = std::uintmax_t{16} << 20;

// Config floats print as typed: 0.01f as 0.01, not 0.009999999776.
double tidy(float f) { return std::strtod(shortest_float_text(f).c_str(), nullptr); }

// A time policy given alone replaces the default step policy; given with one, it yields.
void resolve_policy_conflicts(const ConfigReader& r, RunConfig& c, std::vector<std::string>* warnings) {
    auto warn = [&](const std::string& w) {
        if (warnings) warnings->push_back(w);
    };
    if (c.ckpt.seconds > 0) {
        if (!r.has("ckpt_steps")) c.ckpt.steps = 0;
        else if (c.ckpt.steps != 0) warn("ckpt_steps and ckpt_seconds both set: saving by steps (ckpt_seconds ignored)");
    }
    if (c.ckpt.keep_per_minutes > 0) {
        if (!r.has("keep_max")) c.ckpt.keep_max = 0;
        else if (c.ckpt.keep_max != 0) warn("keep_max and keep_per_minutes both set: keeping the newest keep_max (keep_per_minutes ignored)");
    }
}

}  // namespace

json read_config_file(const std::string& path, ConfigOrigins& origins) {
    const InputFile file = open_input_file(path, "a JSON config file", kExitUsage);
    if (!file.fd.valid()) throw usage_error(path + ": cannot open config file");
    if (file.size > kConfigMaxBytes)
        throw usage_error(path + ": config file is " + std::to_string(file.size) + " bytes, expected at most " +
                          std::to_string(kConfigMaxBytes));
    if (file.size == 0) throw usage_error(path + ": empty file, expected a JSON object");
    const std::vector<std::uint8_t> bytes = read_input_file(path, file, kExitUsage);
    json j;
    try {
        j = parse_json_limited(std::string(bytes.begin(), bytes.end()), path, kExitUsage);
    } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e999
        throw usage_error(path + ": invalid JSON: " + parse_error_text(e));
    }
    check_known_keys(j, path);
    for (const auto& k : config_keys())
        if (j.contains(config_key_pointer(k.key))) origins[k.key] = path + ": key \"" + k.key + "\"";
    return j;
}

// A flag's text as JSON: a literal when it parses ("0.01", "true", "[512,512]"), "a,b" as a
// list, a bare boolean flag as true, anything else as a string ("momentum").
static json flag_value(const ConfigKey& key, const std::string& text) {
    if (key.boolean && text.empty()) return true;
    json value = parse_json_limited(text, key.flag, kExitUsage, /*allow_exceptions=*/false);
    if (!value.is_discarded()) return value;
    if (text.find(',') != std::string::npos) {
        value = parse_json_limited("[" + text + "]", key.flag, kExitUsage, /*allow_exceptions=*/false);
        if (!value.is_discarded()) return value;
    }
    return text;
}

void apply_flag(json& j, const ConfigKey& key, const std::string& text, ConfigOrigins& origins) {
    if (key.key.rfind("input.", 0) == 0 && !j.contains("input")) j["input"] = json::object();
    j[config_key_pointer(key.key)] = flag_value(key, text);
    origins[key.key] = key.flag;
}

RunConfig parse_config(const json& j, const ConfigOrigins& origins, std::vector<std::string>* warnings) {
    check_known_keys(j, "");
    RunConfig c;
    ConfigReader r(j, origins);
    auto positive = [](double v) { return v > 0; };
    auto non_negative = [](double v) { return v >= 0; };
    auto unit = [](double v) { return v >= 0 && v < 1; };

    r.choice("net", c.net.type);
    r.boolean("fc_relu", c.net.fc_relu);
    r.boolean("conv2_relu", c.net.conv2_relu);
    r.integer("conv_padding", c.net.conv_padding, 0, 8);
    r.boolean("conv_bias", c.net.conv_bias);
    if (r.has("hidden")) {
        // One size is one hidden layer: `--hidden 64` parses as the number 64, not a list.
        const json h = r.value("hidden").is_number_unsigned() ? json::array({r.value("hidden")}) : r.value("hidden");
        if (!h.is_array() || h.empty()) r.fail("hidden", "a non-empty list of layer sizes in [1, 65536]");
        // Checkpoints name each layer's tensors: thousands of layers only make huge headers.
        if (h.size() > kMaxHiddenLayers)
            throw usage_error(r.where("hidden") + " must list at most " + std::to_string(kMaxHiddenLayers) +
                              " hidden layer sizes, got " + std::to_string(h.size()));
        c.net.hidden.clear();
        for (const auto& v : h) {
            if (!v.is_number_unsigned() || v.get<std::uint64_t>() < 1 || v.get<std::uint64_t>() > 65536)
                r.fail("hidden", "a non-empty list of layer sizes in [1, 65536]");
            c.net.hidden.push_back(v.get<std::size_t>());
        }
    }
    r.choice("init", c.init);
    r.number("init_sigma", c.init_sigma, positive, "a number > 0");
    r.integer("input.size", c.input.size, 8, 256);
    r.number("input.mean", c.input.mean, [](double v) { return v >= -10 && v <= 10; }, "a number in [-10, 10]");
    r.number("input.std", c.input.std, positive, "a number > 0");

    r.choice("optimizer", c.optimizer.type);
    r.number("lr", c.lr, positive, "a number > 0");
    r.number("momentum", c.optimizer.momentum, unit, "a number in [0, 1)");
    r.boolean("nesterov", c.optimizer.nesterov);
    r.number("weight_decay", c.optimizer.weight_decay, non_negative, "a number >= 0");
    r.number("beta1", c.optimizer.beta1, unit, "a number in [0, 1)");
    r.number("beta2", c.optimizer.beta2, unit, "a number in [0, 1)");
    r.number("eps", c.optimizer.eps, positive, "a number > 0");
    r.choice("lr_schedule", c.schedule.lr_schedule);
    r.integer("lr_step_epochs", c.schedule.lr_step_epochs, 1, 1000000);
    r.number("lr_gamma", c.schedule.lr_gamma, positive, "a number > 0");
    r.number("lr_min", c.schedule.lr_min, non_negative, "a number >= 0");

    r.integer("epochs", c.epochs, 1, 1000000);
    r.integer("batch_size", c.batch_size, 1, 65536);
    r.boolean("drop_remainder", c.drop_remainder);
    r.integer("seed", c.seed, 0, UINT64_MAX);
    r.integer("threads", c.threads, 0, 256);
    r.text("data", c.data, true);
    r.text("out", c.out, false);
    r.text("prefix", c.prefix, false);
    if (!is_valid_prefix(c.prefix))
        r.fail("prefix", "letters, digits, '.', '_' or '-' (not starting with '.')");
    r.integer("log_every", c.log_every, 0, UINT32_MAX);
    r.integer("train_limit", c.train_limit, 0, UINT32_MAX);
    r.boolean("eval", c.eval);

    if (r.has("ckpt_steps")) {
        const json& v = r.value("ckpt_steps");
        if (v.is_string() && v.get<std::string>() == "epoch") c.ckpt.steps = -1;
        else r.integer("ckpt_steps", c.ckpt.steps, 0, UINT32_MAX);
    }
    r.number("ckpt_seconds", c.ckpt.seconds, non_negative, "a number of seconds >= 0");
    r.integer("keep_max", c.ckpt.keep_max, 0, 1000000);
    r.number("keep_per_minutes", c.ckpt.keep_per_minutes, non_negative, "a number of minutes >= 0");
    r.integer("keep_best", c.ckpt.keep_best, 0, 1000000);
    r.choice("monitor", c.ckpt.monitor);
    r.boolean("async_save", c.ckpt.async_save);
    resolve_policy_conflicts(r, c, warnings);
    return c;
}

json::json_pointer config_key_pointer(const std::string& key) {
    std::string p = "/" + key;
    std::replace(p.begin(), p.end(), '.', '/');
    return json::json_pointer(p);
}

bool is_valid_prefix(const std::string& prefix) {
    return !prefix.empty() && prefix[0] != '.' &&
           prefix.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
               std::string::npos;
}

json to_json(const RunConfig& c) {
    json j;
    j["net"] = c.net.type;
    j["fc_relu"] = c.net.fc_relu;
    j["conv2_relu"] = c.net.conv2_relu;
    j["conv_padding"] = c.net.conv_padding;
    j["conv_bias"] = c.net.conv_bias;
    j["hidden"] = c.net.hidden;
    j["init"] = choice_name("init", c.init);
    j["init_sigma"] = tidy(c.init_sigma);
    j["input"] = {{"size", c.input.size}, {"mean", tidy(c.input.mean)}, {"std", tidy(c.input.std)}};
    j["optimizer"] = c.optimizer.type;
    j["lr"] = tidy(c.lr);
    j["momentum"] = tidy(c.optimizer.momentum);
    j["nesterov"] = c.optimizer.nesterov;
    j["weight_decay"] = tidy(c.optimizer.weight_decay);
    j["beta1"] = tidy(c.optimizer.beta1);
    j["beta2"] = tidy(c.optimizer.beta2);
    j["eps"] = tidy(c.optimizer.eps);
    j["lr_schedule"] = choice_name("lr_schedule", c.schedule.lr_schedule);
    j["lr_step_epochs"] = c.schedule.lr_step_epochs;
    j["lr_gamma"] = tidy(c.schedule.lr_gamma);
    j["lr_min"] = tidy(c.schedule.lr_min);
    j["epochs"] = c.epochs;
    j["batch_size"] = c.batch_size;
    j["drop_remainder"] = c.drop_remainder;
    j["seed"] = c.seed;
    j["threads"] = c.threads;
    j["data"] = c.data;
    j["out"] = c.out;
    j["prefix"] = c.prefix;
    j["log_every"] = c.log_every;
    j["train_limit"] = c.train_limit;
    j["eval"] = c.eval;
    if (c.ckpt.steps < 0) j["ckpt_steps"] = "epoch";
    else j["ckpt_steps"] = c.ckpt.steps;
    j["ckpt_seconds"] = c.ckpt.seconds;
    j["keep_max"] = c.ckpt.keep_max;
    j["keep_per_minutes"] = c.ckpt.keep_per_minutes;
    j["keep_best"] = c.ckpt.keep_best;
    j["monitor"] = monitor_name(c.ckpt.monitor);
    j["async_save"] = c.ckpt.async_save;
    return j;
}

}  // namespace trainctl
