// open_input_file: regular files open; a FIFO, a directory or a device is refused at once with
// what it is (a FIFO with no writer would block a plain open() forever), and the readers built
// on it (config, IDX, image, checkpoint) say so instead of hanging.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ckpt_format/ckpt_reader.hpp"
#include "core/config.hpp"
#include "core/data/idx.hpp"
#include "core/data/image_read.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"
#include "temp_dir.hpp"

using namespace trainctl;
using Catch::Contains;
using trainctl::testing::TempDir;

TEST_CASE("open_input_file opens a regular file and reads it whole", "[core]") {
    TempDir tmp;
    const std::string path = tmp.file("a.txt");
    std::ofstream(path) << "hello";
    const InputFile file = open_input_file(path, "a text", kExitError);
    REQUIRE(file.fd.valid());
    CHECK(file.size == 5);
    const std::vector<std::uint8_t> bytes = read_input_file(path, file, kExitError);
    CHECK(std::string(bytes.begin(), bytes.end()) == "hello");
}

TEST_CASE("open_input_file leaves a failed open to the caller, with errno", "[core]") {
    TempDir tmp;
    const InputFile file = open_input_file(tmp.file("missing"), "a text", kExitError);
    CHECK(!file.fd.valid());
    CHECK(errno == ENOENT);
}

TEST_CASE("open_input_file refuses a FIFO, a directory and a device, naming what each is", "[core]") {
    TempDir tmp;
    const std::string fifo = tmp.file("fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    REQUIRE_THROWS_WITH(open_input_file(fifo, "a text", kExitUsage), fifo + ": not a regular file, expected a text, found a FIFO");
    try {
        open_input_file(fifo, "a text", kExitUsage);
    } catch (const Error& e) {
        CHECK(e.exit_code() == kExitUsage);
    }
    REQUIRE_THROWS_WITH(open_input_file(tmp.path.string(), "a text", kExitError), Contains("found a directory"));
    REQUIRE_THROWS_WITH(open_input_file("/dev/null", "a text", kExitError), Contains("found a character device"));
}

TEST_CASE("every reader refuses a FIFO instead of blocking on it", "[core][ckpt][cmd]") {
    TempDir tmp;
    const std::string fifo = tmp.file("fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    ConfigOrigins origins;
    CHECK_THROWS_WITH(read_config_file(fifo, origins), fifo + ": not a regular file, expected a JSON config file, found a FIFO");
    std::size_t count = 0;
    CHECK_THROWS_WITH(read_idx_labels(fifo, count), fifo + ": not a regular file, expected an IDX file, found a FIFO");
    CHECK_THROWS_WITH(read_grey_image(fifo), fifo + ": not a regular file, expected a PNG or PGM image, found a FIFO");
    CHECK_THROWS_WITH(CkptReader(fifo), fifo + ": not a regular file, expected a checkpoint, found a FIFO");
    CHECK_THROWS_WITH(ckpt_read_header(fifo), fifo + ": not a regular file, expected a checkpoint, found a FIFO");
    CHECK(ckpt_verify(fifo) == std::vector<std::string>{fifo + ": not a regular file, expected a checkpoint, found a FIFO"});
}
