// Words for the commands hints print, so they can be pasted into a shell as they are.
#pragma once
#include <string>

namespace trainctl {

// `s` as is when the shell would read it back unchanged, else in single quotes.
std::string shell_word(const std::string& s);

}  // namespace trainctl
