// A nesting limit for the JSON we read (configs, checkpoint headers). nlohmann parses
// iteratively, but dump(), copies and comparisons recurse, and parsing costs ~80 bytes a level:
// a file of a million '[' would overflow the stack or take gigabytes. Ours nest 3 levels.
#pragma once
#include <cstddef>
#include <string_view>

namespace trainctl {

constexpr std::size_t kJsonMaxNesting = 64;

// True when a '[' or '{' outside strings in `text` opens more than `limit` levels deep.
// Checked before parsing, so it costs one pass and no allocation whatever the input.
bool json_nests_deeper_than(std::string_view text, std::size_t limit = kJsonMaxNesting);

}  // namespace trainctl
