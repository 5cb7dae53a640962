// Hints print commands a user pastes back into a shell: odd paths come out quoted.
#include <catch2/catch.hpp>

#include "cmd/run/shell_word.hpp"

using namespace trainctl;

TEST_CASE("shell_word: plain words as is, others single-quoted", "[cmd]") {
    CHECK(shell_word("build/trainctl") == "build/trainctl");
    CHECK(shell_word("ck/lenet-1_412_breakpoint.ckpt") == "ck/lenet-1_412_breakpoint.ckpt");
    CHECK(shell_word("my runs/a.ckpt") == "'my runs/a.ckpt'");
    CHECK(shell_word("it's") == "'it'\\''s'");
    CHECK(shell_word("$HOME") == "'$HOME'");
    CHECK(shell_word("") == "''");
}
