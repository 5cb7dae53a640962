// The nesting limit as a parser callback: it sees every array and object as it opens.
#include "core/json_limit.hpp"

#include "core/error.hpp"

namespace trainctl {

nlohmann::json parse_json_limited(const std::string& text, const std::string& where, int exit_code,
                                  bool allow_exceptions) {
    using Event = nlohmann::json::parse_event_t;
    auto limit = [&](int depth, Event event, nlohmann::json&) {
        if ((event == Event::array_start || event == Event::object_start) && depth >= kJsonMaxDepth)
            throw Error(where + ": JSON nested deeper than " + std::to_string(kJsonMaxDepth) + " levels", exit_code);
        return true;
    };
    return nlohmann::json::parse(text, limit, allow_exceptions);
}

}  // namespace trainctl
