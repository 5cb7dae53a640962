// core/data's folder check (find_mnist_in) and cmd/data_lookup's locate_mnist over temp folders in
// both layouts, its lookup order and errors; the real files when present ($TRAINCTL_MNIST or ../shared/data/mnist beside the source tree).
#include <unistd.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "cmd/run/binary_repo.hpp"
#include "cmd/run/data_lookup.hpp"
#include "core/error.hpp"
#include "idx_write.hpp"
#include "temp_dir.hpp"

using namespace trainctl;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

// Sets (or unsets, with nullptr) an environment variable for one scope.
class EnvGuard {
public:
    EnvGuard(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        value ? setenv(name, value, 1) : unsetenv(name);
    }
    ~EnvGuard() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }

private:
    const char* name_;
    std::optional<std::string> old_;
};

// Runs one scope in another working directory (the relative candidates depend on it).
class CwdGuard {
public:
    explicit CwdGuard(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
    ~CwdGuard() { fs::current_path(old_); }

private:
    fs::path old_;
};

// Writes a tiny MNIST (3 train, 2 test images of 2x2) into train_dir and test_dir.
void write_tiny_mnist(const fs::path& train_dir, const fs::path& test_dir, const std::string& ext) {
    fs::create_directories(train_dir);
    fs::create_directories(test_dir);
    write_idx_images((train_dir / ("train-images-idx3-ubyte" + ext)).string(),
                     std::vector<std::uint8_t>(12, 9), 3, 2, 2);
    write_idx_labels((train_dir / ("train-labels-idx1-ubyte" + ext)).string(), {1, 2, 3});
    write_idx_images((test_dir / ("t10k-images-idx3-ubyte" + ext)).string(), std::vector<std::uint8_t>(8, 5),
                     2, 2, 2);
    write_idx_labels((test_dir / ("t10k-labels-idx1-ubyte" + ext)).string(), {4, 5});
}

void check_tiny_mnist(const MnistFiles& files) {
    LabeledImages train = load_mnist_split(files, "train");
    LabeledImages test = load_mnist_split(files, "test");
    CHECK(train.count == 3);
    CHECK(train.labels == std::vector<std::uint8_t>{1, 2, 3});
    CHECK(test.count == 2);
    CHECK(test.images == std::vector<std::uint8_t>(8, 5));
}

}  // namespace

TEST_CASE("mnist: a flat folder of raw files", "[core][mnist]") {
    testing::TempDir tmp("mnist");
    write_tiny_mnist(tmp.path, tmp.path, "");
    MnistFiles files = locate_mnist(tmp.path.string());
    CHECK(files.dir == tmp.path.string());
    CHECK(files.train_images == (tmp.path / "train-images-idx3-ubyte").string());
    CHECK(files.test_labels == (tmp.path / "t10k-labels-idx1-ubyte").string());
    check_tiny_mnist(files);
}

TEST_CASE("mnist: train/ + test/ folders of .gz files", "[core][mnist]") {
    testing::TempDir tmp("mnist");
    write_tiny_mnist(tmp.path / "train", tmp.path / "test", ".gz");
    MnistFiles files = locate_mnist(tmp.path.string());
    CHECK(files.train_labels == (tmp.path / "train" / "train-labels-idx1-ubyte.gz").string());
    CHECK(files.test_images == (tmp.path / "test" / "t10k-images-idx3-ubyte.gz").string());
    check_tiny_mnist(files);
}

TEST_CASE("mnist: an explicit --data that does not match names the missing file", "[core][mnist]") {
    testing::TempDir tmp("mnist");
    const std::string dir = tmp.path.string();
    SECTION("flat") {
        write_tiny_mnist(tmp.path, tmp.path, "");
        fs::remove(tmp.path / "t10k-images-idx3-ubyte");
        REQUIRE_THROWS_WITH(locate_mnist(dir), Contains("--data " + dir + ": no MNIST data: missing " + dir +
                                                        "/t10k-images-idx3-ubyte[.gz]") &&
                                                   Contains("run scripts/get-mnist.sh"));
    }
    SECTION("split") {
        write_tiny_mnist(tmp.path / "train", tmp.path / "test", ".gz");
        fs::remove(tmp.path / "train" / "train-labels-idx1-ubyte.gz");
        REQUIRE_THROWS_WITH(locate_mnist(dir),
                            Contains("missing " + dir + "/train/train-labels-idx1-ubyte[.gz]"));
    }
    SECTION("no such folder, a usage error") {
        try {
            locate_mnist(dir + "/nope");
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(std::string(e.what()) ==
                  "--data " + dir + "/nope: no MNIST data: no such folder; run scripts/get-mnist.sh");
            CHECK(e.exit_code() == kExitUsage);
        }
    }
}

TEST_CASE("mnist: lookup order is --data, $TRAINCTL_DATA, $TRAINCTL_MNIST, ./data/mnist, ./MNIST_Data",
          "[core][mnist]") {
    testing::TempDir tmp("mnist");
    const fs::path env_dir = tmp.path / "env", mnist_env_dir = tmp.path / "mnist-env", flag_dir = tmp.path / "flag";
    write_tiny_mnist(env_dir, env_dir, "");
    write_tiny_mnist(mnist_env_dir, mnist_env_dir, "");
    write_tiny_mnist(flag_dir, flag_dir, ".gz");
    write_tiny_mnist(tmp.path / "data/mnist", tmp.path / "data/mnist", "");
    write_tiny_mnist(tmp.path / "MNIST_Data/train", tmp.path / "MNIST_Data/test", "");
    CwdGuard cwd(tmp.path);
    EnvGuard env("TRAINCTL_DATA", env_dir.c_str());
    EnvGuard mnist_env("TRAINCTL_MNIST", mnist_env_dir.c_str());
    CHECK(locate_mnist(flag_dir.string()).dir == flag_dir.string());
    CHECK(locate_mnist("").dir == env_dir.string());
    fs::remove_all(env_dir);
    CHECK(locate_mnist("").dir == mnist_env_dir.string());
    fs::remove_all(mnist_env_dir);
    CHECK(locate_mnist("").dir == "data/mnist");
    fs::remove_all(tmp.path / "data");
    MnistFiles files = locate_mnist("");
    CHECK(files.dir == "MNIST_Data");
    check_tiny_mnist(files);
}

TEST_CASE("mnist: nothing found lists every place looked at", "[core][mnist]") {
    testing::TempDir tmp("mnist");
    fs::create_directories(tmp.path / "data/mnist");
    CwdGuard cwd(tmp.path);
    EnvGuard env("TRAINCTL_DATA", "/no/such/place");
    EnvGuard mnist_env("TRAINCTL_MNIST", "/nor/here");
    REQUIRE_THROWS_WITH(locate_mnist(""),
                        "no MNIST data found; looked in $TRAINCTL_DATA=/no/such/place (no such folder), "
                        "$TRAINCTL_MNIST=/nor/here (no such folder), "
                        "data/mnist (missing data/mnist/train-images-idx3-ubyte[.gz]), "
                        "MNIST_Data (no such folder); "
                        "run scripts/get-mnist.sh, pass --data DIR or set $TRAINCTL_MNIST");
}

TEST_CASE("mnist: --data DIR also looks in DIR/mnist, and names both when neither holds the files",
          "[core][mnist]") {
    testing::TempDir tmp("mnist");
    const std::string dir = tmp.path.string();
    fs::create_directories(tmp.path);
    try {
        locate_mnist(dir);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "--data " + dir + ": no MNIST data: missing " + dir +
                                           "/train-images-idx3-ubyte[.gz]; " + dir +
                                           "/mnist: no such folder; run scripts/get-mnist.sh");
        CHECK(e.exit_code() == kExitUsage);
    }
    write_tiny_mnist(tmp.path / "mnist", tmp.path / "mnist", "");
    const MnistFiles files = locate_mnist(dir);
    CHECK(files.dir == (tmp.path / "mnist").string());
    check_tiny_mnist(files);
}

TEST_CASE("mnist: find_mnist_in judges the one folder it is given, reading no environment", "[core][mnist]") {
    testing::TempDir tmp("mnist");
    write_tiny_mnist(tmp.path / "env", tmp.path / "env", "");
    EnvGuard env("TRAINCTL_DATA", (tmp.path / "env").c_str());
    EnvGuard mnist_env("TRAINCTL_MNIST", (tmp.path / "env").c_str());
    const std::string dir = (tmp.path / "parent").string();
    write_tiny_mnist(tmp.path / "parent/mnist", tmp.path / "parent/mnist", ".gz");
    MnistFiles files;
    CHECK(find_mnist_in(dir, /*also_sub=*/"", files) == "missing " + dir + "/train-images-idx3-ubyte[.gz]");
    CHECK(find_mnist_in(dir + "/nope", /*also_sub=*/"mnist", files) == "no such folder");
    REQUIRE(find_mnist_in(dir, /*also_sub=*/"mnist", files).empty());
    CHECK(files.dir == dir + "/mnist");
    check_tiny_mnist(files);
}

TEST_CASE("binary repo: the parent of the binary's folder when it holds scripts/get-mnist.sh", "[core][mnist]") {
    testing::TempDir tmp("mnist");
    const std::string exe = (tmp.path / "build" / "trainctl").string();
    CHECK(repo_dir_of(exe).empty());  // an installed binary: no checkout around it
    fs::create_directories(tmp.path / "scripts");
    std::ofstream(tmp.path / "scripts" / "get-mnist.sh") << "#!/bin/sh\n";
    CHECK(repo_dir_of(exe) == tmp.path.string());
}

TEST_CASE("mnist: an unknown split is refused", "[core][mnist]") {
    REQUIRE_THROWS_WITH(load_mnist_split(MnistFiles{}, "val"),
                        "MNIST split: expected \"train\" or \"test\", found \"val\"");
}

TEST_CASE("mnist: the real files load with the canonical counts", "[core][mnist][real]") {
    // $TRAINCTL_SRC or this file's tree locates ../shared beside the source checkout.
    fs::path dir;
    if (const char* env = std::getenv("TRAINCTL_MNIST")) {
        dir = env;
    } else {
        const char* src = std::getenv("TRAINCTL_SRC");
        fs::path root = src ? fs::path(src) : fs::path(__FILE__).parent_path().parent_path();
        dir = root / ".." / "shared" / "data" / "mnist";
    }
    if (!fs::is_directory(dir)) {
        WARN("skipped: real MNIST not found (set TRAINCTL_MNIST); looked in " << dir.string());
        return;
    }
    MnistFiles files = locate_mnist(dir.string());
    // Label histograms of the canonical files.
    const std::array<std::size_t, 10> train_hist = {5923, 6742, 5958, 6131, 5842,
                                                    5421, 5918, 6265, 5851, 5949};
    const std::array<std::size_t, 10> test_hist = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    for (const auto& [split, count, hist] :
         {std::make_tuple("train", 60000u, train_hist), std::make_tuple("test", 10000u, test_hist)}) {
        LabeledImages d = load_mnist_split(files, split);
        INFO(split);
        CHECK(d.count == count);
        CHECK(d.rows == 28);
        CHECK(d.cols == 28);
        CHECK(d.images.size() == count * 28u * 28u);
        std::array<std::size_t, 10> seen{};
        for (std::uint8_t label : d.labels) ++seen[label];
        CHECK(seen == hist);
        // Packed, every image comes back exactly, in well under half the memory.
        LabeledImages p = load_mnist_split(files, split, true);
        REQUIRE(p.count == count);
        CHECK(p.labels == d.labels);
        CHECK(p.packed.size() * 2 < d.images.size());
        std::vector<std::uint8_t> scratch(28 * 28);
        std::size_t differ = 0;
        for (std::size_t i = 0; i < count; ++i)
            differ += !std::equal(d.image(i), d.image(i) + 28 * 28, p.pixels(i, scratch.data()));
        CHECK(differ == 0);
    }
}
