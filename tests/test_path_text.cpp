// core/path_text.hpp and core/path_kind.hpp: splitting a path as text, and asking what it names.
#include <catch2/catch.hpp>
#include <filesystem>

#include "core/path_kind.hpp"
#include "core/path_text.hpp"
#include "temp_dir.hpp"

using namespace trainctl;

TEST_CASE("path text: dir_name and base_name split at the last slash", "[core]") {
    CHECK(dir_name("ck/a-1_6.ckpt") == "ck");
    CHECK(dir_name("a/b/c") == "a/b");
    CHECK(dir_name("a-1_6.ckpt") == ".");
    CHECK(dir_name("/a-1_6.ckpt") == "/");
    CHECK(base_name("ck/a-1_6.ckpt") == "a-1_6.ckpt");
    CHECK(base_name("a-1_6.ckpt") == "a-1_6.ckpt");
    CHECK(base_name("/a") == "a");
    CHECK(base_name("dir/") == "");
}

TEST_CASE("path kind: is_dir follows links and never throws", "[core]") {
    testing::TempDir tmp("path_kind");
    std::filesystem::create_directories(tmp.path / "d");
    std::filesystem::create_directory_symlink(tmp.path / "d", tmp.path / "link");
    CHECK(is_dir(tmp.path / "d"));
    CHECK(is_dir((tmp.path / "link").string()));
    CHECK_FALSE(is_dir(tmp.path / "missing"));
    CHECK_FALSE(is_dir(""));
}
