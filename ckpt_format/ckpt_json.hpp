// The JSON objects of a checkpoint header (the header itself, the crc32c map) parsed in one
// linear pass: members in text order, each value a small DOM, with duplicate keys and deep
// nesting refused. Linear matters: a header may name 100,000 tensors.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace trainctl {

// One member of a top-level JSON object; std::map-backed values, whose lookups stay logarithmic.
using CkptJsonMember = std::pair<std::string, nlohmann::json>;

// Nesting limit for header JSON (ours nests 3 deep); also keeps dump() off a deep recursion.
constexpr int kCkptJsonMaxDepth = 64;

// The members of the JSON object `text`, in order. Throws Error (exit 1), checked in this order:
//   "PATH: WHAT is nested deeper than 64 levels" (as soon as it is seen),
//   "PATH: WHAT is not valid JSON: parse error at line 1, column 3: ...",
//   "PATH: WHAT has key "K" twice" (at any depth), "PATH: WHAT must be a JSON object, found array".
std::vector<CkptJsonMember> ckpt_json_members(const std::string& path, const std::string& what,
                                              const std::string& text);

// `s` with bytes outside printable ASCII as \xNN, so a message stays one readable line.
std::string ckpt_printable(const std::string& s);

}  // namespace trainctl
