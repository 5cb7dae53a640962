// The exit code and message of the trainctl::Error a call throws: tests check both.
#pragma once
#include <string>
#include <utility>

#include "core/error.hpp"

namespace trainctl::testing {

// {exit code, message} of the Error that `fn` throws; {0, ""} when it returns.
template <class Fn>
std::pair<int, std::string> error_of(Fn fn) {
    try {
        fn();
    } catch (const Error& e) {
        return {e.exit_code(), e.what()};
    }
    return {0, ""};
}

}  // namespace trainctl::testing
