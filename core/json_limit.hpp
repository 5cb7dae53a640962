// JSON parsing with a nesting limit, for text we did not write (configs, flags, checkpoint
// metadata). nlohmann parses iteratively, but dump() and comparisons recurse: a 1 MB file
// of '[' parses, then overflows the stack when an error message prints the value.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace trainctl {

constexpr int kJsonMaxDepth = 64;

// Parses text like nlohmann::json::parse (a syntax error throws json::parse_error, or gives a
// discarded value when !allow_exceptions); nesting past kJsonMaxDepth throws
// Error("WHERE: JSON nested deeper than 64 levels", exit_code) either way.
nlohmann::json parse_json_limited(const std::string& text, const std::string& where, int exit_code,
                                  bool allow_exceptions = true);

}  // namespace trainctl
