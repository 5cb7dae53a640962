// Config section: the run's length, batching, seed and threads, where its data comes from and
// where its files go.
#include "core/config_key.hpp"

namespace trainctl {

namespace {

void read_prefix(const ConfigReader& r, RunConfig& c) {
    r.text("prefix", c.prefix, false);
    if (!is_valid_prefix(c.prefix)) r.fail("prefix", "letters, digits, '.', '_' or '-' (not starting with '.')");
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
        bool_key("eval", [](auto& c) -> auto& { return c.eval; }),
    };
}

}  // namespace trainctl
