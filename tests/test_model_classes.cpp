// The class count and names in a net's description (cmd/run/checkpoint_io): written from the
// config, read back by build_model, checked; a description from before them is the ten digits.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cmd/run/checkpoint_io.hpp"
#include "core/error.hpp"
#include "nets/nets.hpp"

using namespace trainctl;
using Catch::Matchers::Contains;

namespace {

RunConfig three_class_config() {
    RunConfig c;
    c.net.type = "mlp";
    c.net.hidden = {8};
    c.input.size = 8;
    c.net.num_classes = 3;
    c.net.class_names = {"bird", "cat", "dog"};
    return c;
}

}  // namespace

TEST_CASE("model description: num_classes sizes the last layer, class_names round-trip", "[ckpt]") {
    const RunConfig c = three_class_config();
    const auto net = build_net(c.net, c.input);
    CHECK(net->out_sample().numel() == 3);
    const nlohmann::json model = describe_model(c, *net);
    CHECK(model["spec"]["num_classes"] == 3);
    CHECK(model["class_names"] == nlohmann::json({"bird", "cat", "dog"}));
    RunConfig back;
    const auto rebuilt = build_model(model, "x.ckpt", &back);
    CHECK(rebuilt->out_sample().numel() == 3);
    CHECK(back.net.class_names == c.net.class_names);
}

TEST_CASE("model description: without num_classes and names it is MNIST's ten digits", "[ckpt]") {
    const RunConfig c = three_class_config();
    nlohmann::json model = describe_model(c, *build_net(c.net, c.input));
    model["spec"].erase("num_classes");
    model.erase("class_names");
    RunConfig back;
    const auto rebuilt = build_model(model, "old.ckpt", &back);
    CHECK(rebuilt->out_sample().numel() == 10);
    CHECK(back.net.class_names.empty());
}

TEST_CASE("model description: class names that do not fit the net are refused, naming the key", "[ckpt]") {
    const RunConfig c = three_class_config();
    nlohmann::json model = describe_model(c, *build_net(c.net, c.input));
    RunConfig back;
    model["class_names"] = {"bird", "cat"};
    REQUIRE_THROWS_WITH(build_model(model, "x.ckpt", &back),
                        "x.ckpt: model description key \"class_names\": expected a list of 3 class names (one per "
                        "output), found 2 entries");
    model["class_names"] = {"bird", "", "dog"};
    REQUIRE_THROWS_WITH(build_model(model, "x.ckpt", &back), Contains("expected non-empty strings, found \"\""));
    model["class_names"] = "bird";
    REQUIRE_THROWS_WITH(build_model(model, "x.ckpt", &back), Contains("found a string"));
}
