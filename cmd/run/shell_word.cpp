// POSIX shell quoting: inside '...' only ' itself needs care ('\'' closes, escapes, reopens).
#include "cmd/run/shell_word.hpp"

namespace trainctl {

std::string shell_word(const std::string& s) {
    constexpr const char* kPlain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-+=:,@%";
    if (!s.empty() && s.find_first_not_of(kPlain) == std::string::npos) return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace trainctl
