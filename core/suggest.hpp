// "Did you mean": the known name closest to a mistyped one, by edit distance.
#pragma once
#include <string>
#include <vector>

namespace trainctl {

// The candidate fewest edits (insert, delete, change, swap) away from `word`, if at most a third
// of its letters need one; else "".
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace trainctl
