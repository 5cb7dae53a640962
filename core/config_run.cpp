// Config section: the run's length, batching, seed and threads, where its data comes from and
// where its files go.
#include "core/config_key.hpp"

namespace trainctl {

namespace {

void read_prefix(const ConfigReader& r, RunConfig& c) {
    r.text("prefix", c.prefix, false);
    if (!is_valid_prefix(c.prefix)) r.fail("prefix", "letters, digits, '.', '_' or '-' (not starting with '.')");
}

// A fraction strictly between 0 and 1, or "off" (no split; also what it prints as).
void read_val_split(const ConfigReader& r, RunConfig& c) {
    if (!r.has("val_split")) return;
    const nlohmann::json& v = r.value("val_split");
    if (v.is_string() && v.get<std::string>() == "off") {
        c.val_split = 0;
        return;
    }
    const std::string expected = "a fraction between 0 and 1 (exclusive), or \"off\"";
    r.number("val_split", c.val_split, [](double f) { return f > 0 && f < 1; }, expected);
}

}  // namespace

std::vector<ConfigKey> run_config_keys() {
    return {
        integer_key("epochs", [](auto& c) -> auto& { return c.epochs; }, 1, 1000000),
        integer_key("batch_size", [](auto& c) -> auto& { return c.batch_size; }, 1, 65536),
        bool_key("drop_remainder", [](auto& c) -> auto& { return c.drop_remainder; }),
        integer_key("seed", [](auto& c) -> auto& { return c.seed; }, 0, UINT64_MAX),
        integer_key("threads", [](auto& c) -> auto& { return c.threads; }, 0, 256),
        text_key("data", [](auto& c) -> auto& { return c.data; }, /*allow_empty=*/true),
        choice_key("dataset", [](auto& c) -> auto& { return c.dataset; }, {"mnist", "fashion-mnist"}),
        bool_key("skip_bad_images", [](auto& c) -> auto& { return c.skip_bad_images; }),
        text_key("out", [](auto& c) -> auto& { return c.out; }, /*allow_empty=*/false),
        {"prefix", false, {}, read_prefix, [](const RunConfig& c) { return nlohmann::json(c.prefix); }},
        integer_key("log_every", [](auto& c) -> auto& { return c.log_every; }, 0, UINT32_MAX),
        integer_key("train_limit", [](auto& c) -> auto& { return c.train_limit; }, 0, UINT32_MAX),
        {"val_split", false, {}, read_val_split,
         [](const RunConfig& c) { return c.val_split > 0 ? nlohmann::json(tidy(c.val_split)) : nlohmann::json("off"); }},
        bool_key("eval", [](auto& c) -> auto& { return c.eval; }),
    };
}

}  // namespace trainctl
