// The string tests several files need (C++17 has no starts_with/ends_with), defined once.
#pragma once
#include <string_view>

namespace trainctl {

inline bool starts_with(std::string_view s, std::string_view head) { return s.substr(0, head.size()) == head; }

inline bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace trainctl
