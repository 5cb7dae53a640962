// Config parsing: defaults, flags over file, and one-line errors naming the key.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cmd/config_flag.hpp"
#include "cmd/config_help.hpp"
#include "core/config.hpp"
#include "core/error.hpp"

using namespace trainctl;
using nlohmann::json;

namespace {
RunConfig parse_text(const std::string& text) {
    ConfigOrigins origins;
    return parse_config(json::parse(text), origins);
}
const ConfigKey& key_named(const std::string& name) {
    for (const auto& k : config_keys())
        if (k.key == name) return k;
    throw std::logic_error("no key " + name);
}
int exit_code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.exit_code();
    }
    return 0;
}
}  // namespace

TEST_CASE("defaults are the MindSpore tutorial run", "[core][config]") {
    RunConfig c = parse_text("{}");
    REQUIRE(c.net.type == "lenet5");
    REQUIRE(c.optimizer.type == "momentum");
    REQUIRE(c.lr == 0.01f);
    REQUIRE(c.batch_size == 32);
    REQUIRE(c.epochs == 2);
    REQUIRE(c.input.size == 32);
    REQUIRE(c.ckpt.save.kind == SaveEvery::Kind::kEpoch);
    REQUIRE(c.net.conv2_relu);  // checkpoints from before the key rebuild with their ReLU
}

TEST_CASE("to_json round-trips through parse_config and covers every key", "[core][config]") {
    RunConfig c = parse_text(R"({"net":"mlp","hidden":[64,32],"lr":0.003,"input":{"size":28},"ckpt_steps":100})");
    json j = to_json(c);
    for (const auto& k : config_keys()) {
        std::string p = "/" + k.key;
        std::replace(p.begin(), p.end(), '.', '/');
        INFO(k.key);
        REQUIRE(j.contains(json::json_pointer(p)));
    }
    ConfigOrigins origins;
    RunConfig back = parse_config(j, origins);
    REQUIRE(to_json(back) == j);
    REQUIRE(j["lr"].dump() == "0.003");  // printed as typed, not 0.0030000000260770321
}

TEST_CASE("flags override file values and record their origin", "[core][config]") {
    json j = json::parse(R"({"lr": 0.5, "input": {"size": 28}})");
    ConfigOrigins origins;
    apply_flag(j, key_named("lr"), "0.25", origins);
    apply_flag(j, key_named("hidden"), "256,128", origins);
    apply_flag(j, key_named("optimizer"), "adam", origins);
    apply_flag(j, key_named("async_save"), "", origins);
    apply_flag(j, key_named("input.std"), "0.5", origins);
    RunConfig c = parse_config(j, origins);
    REQUIRE(c.lr == 0.25f);
    REQUIRE(c.net.hidden == std::vector<std::size_t>{256, 128});
    REQUIRE(c.optimizer.type == "adam");
    REQUIRE(c.ckpt.async_save);
    REQUIRE(c.input.size == 28);
    REQUIRE(c.input.std == 0.5f);
    REQUIRE(origins.at("lr") == "--lr");
    apply_flag(j, key_named("hidden"), "64", origins);  // one size: one hidden layer
    REQUIRE(parse_config(j, origins).net.hidden == std::vector<std::size_t>{64});
}

TEST_CASE("bad values are usage errors naming the key and the value", "[core][config]") {
    ConfigOrigins origins;
    json j = json::parse("{}");
    apply_flag(j, key_named("lr"), "fast", origins);
    REQUIRE_THROWS_WITH(parse_config(j, origins), "--lr must be a number > 0, got \"fast\"");
    REQUIRE(exit_code_of([&] { parse_config(j, origins); }) == kExitUsage);

    REQUIRE_THROWS_WITH(parse_text(R"({"batch_size": 0})"), Catch::Contains("batch_size") && Catch::Contains("got 0"));
    REQUIRE_THROWS_WITH(parse_text(R"({"epochs": 0})"), Catch::Contains("epochs"));
    REQUIRE_THROWS_WITH(parse_text(R"({"lr": -1})"), Catch::Contains("\"lr\" must be a number > 0, got -1"));
    REQUIRE_THROWS_WITH(parse_text(R"({"epochs": 1.5})"), Catch::Contains("epochs"));
    REQUIRE_THROWS_WITH(parse_text(R"({"net": "resnet"})"), Catch::Contains("net") && Catch::Contains("\"resnet\""));
    REQUIRE_THROWS_WITH(parse_text(R"({"hidden": []})"), Catch::Contains("hidden"));
    REQUIRE_THROWS_WITH(parse_text(R"({"prefix": "a/b"})"), Catch::Contains("prefix"));
    REQUIRE_THROWS_WITH(parse_text(R"({"momentum": 1.0})"), Catch::Contains("momentum"));
    REQUIRE_THROWS_WITH(parse_text(R"({"ckpt_steps": "often"})"), Catch::Contains("ckpt_steps"));
}

// Found by fuzz_config: 1e-50 passed "> 0" as a double, then trained with lr 0 as a float, and
// --print-config wrote a config that no longer loaded.
TEST_CASE("numbers are checked as the float they are stored in", "[core][config]") {
    REQUIRE_THROWS_WITH(parse_text(R"({"lr": 1e-50})"), "config key \"lr\" must be a number > 0 as a float, got 1e-50");
    REQUIRE_THROWS_WITH(parse_text(R"({"lr": 1e39})"), Catch::Contains("\"lr\" must be a number > 0 as a float"));
    REQUIRE_THROWS_WITH(parse_text(R"({"momentum": 0.99999999999})"),
                        Catch::Contains("\"momentum\" must be a number in [0, 1) as a float"));
    REQUIRE(parse_text(R"({"lr": 1e-45})").lr > 0);              // the smallest float above 0 still loads
    REQUIRE(parse_text(R"({"ckpt_seconds": 1e300})").ckpt.save.seconds == 1e300);  // a double keeps its range
}

TEST_CASE("unknown keys are rejected with a suggestion", "[core][config]") {
    REQUIRE_THROWS_WITH(parse_text(R"({"lrr": 0.1})"), Catch::Contains("unknown key \"lrr\" (did you mean \"lr\"?)"));
    REQUIRE_THROWS_WITH(parse_text(R"({"input": {"sise": 28}})"), Catch::Contains("unknown key \"input.sise\""));
    REQUIRE_THROWS_WITH(parse_text("[1,2]"), Catch::Contains("expected a JSON object"));
}

TEST_CASE("config files: missing, invalid JSON, and origins in messages", "[core][config]") {
    ConfigOrigins origins;
    REQUIRE_THROWS_WITH(read_config_file("/nonexistent/x.json", origins), "/nonexistent/x.json: cannot open config file");
    const std::string path = "test_config_tmp.json";
    {
        std::ofstream(path) << "{\"lr\": \"fast\"}";
    }
    json j = read_config_file(path, origins);
    REQUIRE_THROWS_WITH(parse_config(j, origins), path + ": key \"lr\" must be a number > 0, got \"fast\"");
    {
        std::ofstream(path) << "{\"lr\": 0.1,";
    }
    REQUIRE_THROWS_WITH(read_config_file(path, origins), Catch::StartsWith(path + ": invalid JSON"));
    {
        std::ofstream(path) << "";
    }
    REQUIRE_THROWS_WITH(read_config_file(path, origins), path + ": empty file, expected a JSON object");
    {
        std::ofstream(path) << "{\"lr\": 2e308}";  // fuzz_config: nlohmann's out_of_range escaped as an abort
    }
    REQUIRE_THROWS_WITH(read_config_file(path, origins),
                        Catch::StartsWith(path + ": invalid JSON") && Catch::Contains("number overflow parsing '2e308'"));
    std::remove(path.c_str());
    REQUIRE_THROWS_WITH(read_config_file(".", origins),
                        ".: not a regular file, expected a JSON config file, found a directory");
}

TEST_CASE("config JSON nested deeper than 64 levels is a usage error, not a stack overflow", "[core][config]") {
    const std::string path = "test_config_deep.json";
    {
        std::ofstream(path) << "{\"lr\":" << std::string(100000, '[') << std::string(100000, ']') << "}";
    }
    ConfigOrigins origins;
    try {
        read_config_file(path, origins);
        FAIL("a config nested 100000 levels deep was accepted");
    } catch (const Error& e) {
        REQUIRE(std::string(e.what()) == path + ": JSON nested deeper than 64 levels");
        REQUIRE(e.exit_code() == kExitUsage);
    }
    std::remove(path.c_str());
    json j = json::object();
    REQUIRE_THROWS_WITH(apply_flag(j, key_named("lr"), std::string(1000, '[') + std::string(1000, ']'), origins),
                        "--lr: JSON nested deeper than 64 levels");
}

TEST_CASE("save and keep policies: steps win over seconds, keep_max over keep_per_minutes", "[core][config]") {
    std::vector<std::string> warnings;
    ConfigOrigins origins;
    RunConfig alone = parse_config(json::parse(R"({"ckpt_seconds": 60, "keep_per_minutes": 5})"), origins, &warnings);
    REQUIRE(alone.ckpt.save.kind == SaveEvery::Kind::kSeconds);
    REQUIRE(alone.ckpt.save.seconds == 60);
    REQUIRE(alone.ckpt.keep_max == 0);
    REQUIRE(warnings.empty());
    RunConfig both = parse_config(json::parse(R"({"ckpt_steps": 100, "ckpt_seconds": 60, "keep_max": 3, "keep_per_minutes": 5})"),
                                  origins, &warnings);
    REQUIRE(both.ckpt.save.kind == SaveEvery::Kind::kSteps);
    REQUIRE(both.ckpt.save.steps == 100);
    REQUIRE(both.ckpt.keep_max == 3);
    REQUIRE(warnings.size() == 2);
    REQUIRE_THAT(warnings[0], Catch::Contains("saving by steps"));
}

// The config holds the resolved schedule, yet prints the keys back as they were given.
TEST_CASE("the save schedule prints back ckpt_steps and ckpt_seconds as given", "[core][config]") {
    const auto printed = [](const std::string& text) {
        const json j = to_json(parse_text(text));
        return j["ckpt_steps"].dump() + " " + j["ckpt_seconds"].dump();
    };
    REQUIRE(printed("{}") == "\"epoch\" 0.0");
    REQUIRE(printed(R"({"ckpt_steps": 0})") == "0 0.0");
    REQUIRE(printed(R"({"ckpt_seconds": 60})") == "0 60.0");
    REQUIRE(printed(R"({"ckpt_steps": 0, "ckpt_seconds": 2.5})") == "0 2.5");
    REQUIRE(printed(R"({"ckpt_steps": 100, "ckpt_seconds": 60})") == "100 60.0");
    REQUIRE(printed(R"({"ckpt_steps": "epoch", "ckpt_seconds": 60})") == "\"epoch\" 60.0");
    REQUIRE(parse_text(R"({"ckpt_steps": "epoch", "ckpt_seconds": 60})").ckpt.save.kind == SaveEvery::Kind::kEpoch);
    REQUIRE(parse_text(R"({"ckpt_steps": 0})").ckpt.save.kind == SaveEvery::Kind::kNever);
}

TEST_CASE("a key's flag is derived from the key, and its help is the flag layer's", "[core][config]") {
    REQUIRE(flag_of("lr_min") == "--lr-min");
    REQUIRE(flag_of("input.size") == "--input-size");
    REQUIRE(flag_of("beta1") == "--beta1");
    for (const auto& k : config_keys()) {
        INFO(k.key);
        REQUIRE_NOTHROW(config_help(k.key));
    }
    REQUIRE_THROWS_AS(config_help("no_such_key"), std::logic_error);
}

TEST_CASE("kind keys parse once into enums and print back as their text", "[core][config]") {
    RunConfig c = parse_text(R"({"lr_schedule": "cosine", "monitor": "loss", "init": "normal", "lr_min": 0.001})");
    REQUIRE(c.schedule.lr_schedule == LrSchedule::kCosine);
    REQUIRE(c.schedule.lr_min == 0.001f);
    REQUIRE(c.ckpt.monitor == Monitor::kLoss);
    REQUIRE(monitor_name(c.ckpt.monitor) == "loss");
    REQUIRE(c.init == InitSpec::Kind::kNormal);
    const json j = to_json(c);
    REQUIRE(j["lr_schedule"] == "cosine");
    REQUIRE(j["monitor"] == "loss");
    REQUIRE(j["init"] == "normal");
    REQUIRE_THROWS_WITH(parse_text(R"({"lr_schedule": "linear"})"),
                        "config key \"lr_schedule\" must be one of \"constant\" \"step\" \"cosine\", got \"linear\"");
}
