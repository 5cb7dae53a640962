// Checkpoint container: CRC32C values, round trips, the exact byte layout, atomic saves,
// the buffer path, a >100 MB file, and a plain-safetensors parse from Python.
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>

#include "ckpt_format/atomic_file.hpp"
#include "ckpt_format/ckpt_reader.hpp"
#include "ckpt_format/ckpt_writer.hpp"
#include "ckpt_format/crc32c.hpp"
#include "ckpt_test_util.hpp"
#include "core/error.hpp"

using namespace trainctl;
using namespace trainctl::testing;
using Catch::Contains;

namespace {

// Five tensors of different dtypes and ranks, including a scalar and an empty one.
struct Sample {
    std::vector<float> w{1.5f, -2, 3, 4, 5, 6e-30f};
    std::vector<double> m{0.1, 0.2, 0.3, 0.4};
    std::int64_t step = 1234567890123;
    std::vector<std::uint8_t> rng{1, 2, 3, 4, 255};
    std::vector<CkptTensorView> views() const {
        return {{"fc1.weight", DType::F32, {2, 3}, w.data(), 24},
                {"momentum.fc1.weight", DType::F64, {4}, m.data(), 32},
                {"step", DType::I64, {}, &step, 8},
                {"rng", DType::U8, {5}, rng.data(), 5},
                {"empty", DType::F32, {0, 3}, nullptr, 0}};
    }
    CkptMetadata metadata() const {
        return {{"version", "0.1.0"}, {"config", "{\"lr\": 0.1,\n \"name\": \"lenét \\\"5\\\"\"}"}};
    }
};

// Exit code and message of the Error a failing call throws (0 and "" if it does not throw).
template <class F>
std::pair<int, std::string> failure_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return {e.exit_code(), e.what()};
    }
    return {0, ""};
}


}  // namespace

TEST_CASE("crc32c matches the Castagnoli check values", "[ckpt]") {
    REQUIRE(crc32c("123456789", 9) == 0xE3069283u);
    REQUIRE(crc32c_portable("123456789", 9) == 0xE3069283u);
    std::vector<std::uint8_t> zeros(32, 0), ones(32, 0xFF), ramp(32);
    std::iota(ramp.begin(), ramp.end(), 0);
    REQUIRE(crc32c(zeros.data(), 32) == 0x8A9136AAu);  // RFC 3720 B.4
    REQUIRE(crc32c(ones.data(), 32) == 0x62A8AB43u);
    REQUIRE(crc32c_portable(ramp.data(), 32) == 0x46DD794Eu);
    REQUIRE(crc32c(nullptr, 0) == 0);
}

TEST_CASE("crc32c fast and portable paths agree at every length and alignment", "[ckpt]") {
    std::vector<std::uint8_t> buf(100000 + 8);
    std::uint32_t x = 12345;
    for (auto& b : buf) b = static_cast<std::uint8_t>((x = x * 1103515245u + 12345u) >> 24);
    // 12288 and up take the three-stream path, with 0..7 tail bytes after whole blocks.
    for (std::size_t offset = 0; offset < 8; ++offset)
        for (std::size_t size : {0, 1, 7, 8, 9, 15, 16, 63, 64, 65, 1000, 4096, 12287, 12288, 12289, 24583, 100000})
            REQUIRE(crc32c(buf.data() + offset, size) == crc32c_portable(buf.data() + offset, size));
    std::uint32_t whole = crc32c(buf.data(), buf.size());
    REQUIRE(crc32c(buf.data() + 1000, buf.size() - 1000, crc32c(buf.data(), 1000)) == whole);
    REQUIRE(crc32c_portable(buf.data() + 13, buf.size() - 13, crc32c_portable(buf.data(), 13)) == whole);
}

TEST_CASE("checkpoint round trip keeps tensors and metadata", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = dir.file("rt.ckpt");
    Sample s;
    ckpt_save(path, s.views(), s.metadata());

    CkptReader reader(path);
    CkptMetadata expected = s.metadata();
    expected["format"] = "trainctl.ckpt/1";
    REQUIRE(reader.metadata() == expected);
    REQUIRE(reader.tensors().size() == 5);
    for (const CkptTensorView& view : s.views()) {
        const CkptTensorInfo& info = reader.tensor(view.name);
        REQUIRE(info.dtype == view.dtype);
        REQUIRE(info.shape == view.shape);
        REQUIRE(info.bytes() == view.bytes);
        if (view.bytes > 0) REQUIRE(std::memcmp(reader.data(info), view.data, view.bytes) == 0);
    }
    std::vector<float> w(6);
    reader.read_f32("fc1.weight", Shape{2, 3}, w.data());
    REQUIRE(w == s.w);
    reader.read_f32("empty", Shape{0, 3}, nullptr);  // nothing to copy, so no buffer (fuzz_ckpt: UB before)
    REQUIRE(reader.find("missing") == nullptr);

    CkptHeader header = ckpt_read_header(path);
    REQUIRE(header.metadata == expected);
    REQUIRE(header.tensors.back().name == "empty");
    REQUIRE(header.tensors[0].crc == crc32c(s.w.data(), 24));
}

TEST_CASE("checkpoint byte layout is safetensors with an aligned data section", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = dir.file("layout.ckpt");
    Sample s;
    ckpt_save(path, s.views(), s.metadata());
    const std::string bytes = read_bytes(path);

    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    REQUIRE((8 + n) % 8 == 0);
    REQUIRE(bytes.size() == 8 + n + 24 + 32 + 8 + 5);
    const std::string json = bytes.substr(8, n);
    REQUIRE(json.rfind("{\"__metadata__\":{\"format\":\"trainctl.ckpt/1\"", 0) == 0);
    std::size_t close = json.find_last_of('}');
    REQUIRE(close + 8 > json.size());  // at most 7 bytes of padding
    REQUIRE(json.find_first_not_of(' ', close + 1) == std::string::npos);

    nlohmann::json header = nlohmann::json::parse(json);
    REQUIRE(header["fc1.weight"]["data_offsets"] == nlohmann::json{0, 24});
    REQUIRE(header["momentum.fc1.weight"]["data_offsets"] == nlohmann::json{24, 56});
    REQUIRE(header["step"]["shape"] == nlohmann::json::array());
    REQUIRE(header["rng"]["data_offsets"] == nlohmann::json{64, 69});
    REQUIRE(header["empty"]["data_offsets"] == nlohmann::json{69, 69});
    nlohmann::json crcs = nlohmann::json::parse(header["__metadata__"]["crc32c"].get<std::string>());
    REQUIRE(crcs["fc1.weight"] == ckpt_crc_hex(crc32c(s.w.data(), 24)));
    REQUIRE(crcs.size() == 5);
    REQUIRE(std::memcmp(bytes.data() + 8 + n, s.w.data(), 24) == 0);
    REQUIRE(std::memcmp(bytes.data() + 8 + n + 56, &s.step, 8) == 0);

    // The header CRC covers the header with its own digits read as zeros.
    std::string zeroed = json;
    std::size_t digits = zeroed.find("\"header_crc32c\":\"") + 17;
    const std::string stored = zeroed.substr(digits, 8);
    zeroed.replace(digits, 8, "00000000");
    REQUIRE(stored == ckpt_crc_hex(crc32c(zeroed.data(), zeroed.size())));
}

TEST_CASE("tensors adjacent in one arena save like separate copies", "[ckpt]") {
    CkptTempDir dir;
    std::vector<float> arena(10);
    std::iota(arena.begin(), arena.end(), 1.0f);
    std::vector<float> a(arena.begin(), arena.begin() + 6), b(arena.begin() + 6, arena.end());
    ckpt_save(dir.file("arena.ckpt"),
              {{"a", DType::F32, {6}, arena.data(), 24}, {"b", DType::F32, {4}, arena.data() + 6, 16}}, {});
    ckpt_save(dir.file("copies.ckpt"), {{"a", DType::F32, {6}, a.data(), 24}, {"b", DType::F32, {4}, b.data(), 16}},
              {});
    REQUIRE(read_bytes(dir.file("arena.ckpt")) == read_bytes(dir.file("copies.ckpt")));
}

TEST_CASE("more scattered tensors than one writev takes round trip", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = dir.file("many.ckpt");
    const std::size_t count = 3000;  // > IOV_MAX (1024) pieces
    std::vector<float> arena(2 * count);
    std::iota(arena.begin(), arena.end(), 0.0f);
    std::vector<CkptTensorView> views;
    for (std::size_t i = 0; i < count; ++i)  // every other float: no two tensors adjacent
        views.push_back({"t" + std::to_string(i), DType::F32, {1}, arena.data() + 2 * i, 4});
    ckpt_save(path, views, {});

    CkptReader reader(path);
    REQUIRE(reader.tensors().size() == count);
    for (std::size_t i = 0; i < count; i += 499) {
        float x = 0;
        reader.read_f32("t" + std::to_string(i), Shape{1}, &x);
        REQUIRE(x == static_cast<float>(2 * i));
    }
}

TEST_CASE("a serialized buffer written later gives a byte-identical file", "[ckpt]") {
    CkptTempDir dir;
    Sample s;
    ckpt_save(dir.file("direct.ckpt"), s.views(), s.metadata());

    std::uint64_t size = ckpt_serialized_size(s.views(), s.metadata());
    std::vector<char> buf(size + 100);
    REQUIRE(ckpt_serialize(s.views(), s.metadata(), buf.data(), buf.size()) == size);
    atomic_write_file(dir.file("buffered.ckpt"), {{buf.data(), size}});
    REQUIRE(read_bytes(dir.file("buffered.ckpt")) == read_bytes(dir.file("direct.ckpt")));

    REQUIRE_THROWS_WITH(ckpt_serialize(s.views(), s.metadata(), buf.data(), size - 1),
                        "checkpoint needs " + std::to_string(size) + " bytes, the buffer holds " +
                            std::to_string(size - 1));
}

TEST_CASE("a failed save leaves the previous checkpoint intact", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = dir.file("model.ckpt");
    Sample s;
    ckpt_save(path, s.views(), s.metadata());
    const std::string before = read_bytes(path);
    std::vector<float> other(1000, 7.0f);
    auto save_other = [&] { ckpt_save(path, {{"x", DType::F32, {1000}, other.data(), 4000}}, {}); };

    SECTION("PATH.tmp cannot be created") {
        REQUIRE(mkdir((path + ".tmp").c_str(), 0755) == 0);
        auto [code, msg] = failure_of(save_other);
        REQUIRE(code == kExitSaveFailed);
        REQUIRE(msg == path + ": save failed: cannot create " + path + ".tmp: Is a directory");
    }
    SECTION("the write fails midway (a file size limit, as a full disk would)") {
        // A PATH.tmp link to /dev/full no longer stands in for a full disk: it is never followed.
        rlimit before_limit {};
        REQUIRE(getrlimit(RLIMIT_FSIZE, &before_limit) == 0);
        rlimit small = before_limit;
        small.rlim_cur = 1000;
        const auto before_handler = std::signal(SIGXFSZ, SIG_IGN);
        REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
        auto [code, msg] = failure_of(save_other);
        setrlimit(RLIMIT_FSIZE, &before_limit);
        std::signal(SIGXFSZ, before_handler);
        REQUIRE(code == kExitSaveFailed);
        REQUIRE(msg == path + ": save failed: cannot write " + path + ".tmp: File too large");
        REQUIRE(!path_exists(path + ".tmp"));
    }
    SECTION("the rename fails") {
        const std::string blocked = dir.file("blocked.ckpt");
        REQUIRE(mkdir(blocked.c_str(), 0755) == 0);
        write_bytes(blocked + "/keep", "x");  // a non-empty directory cannot be replaced
        auto [code, msg] = failure_of([&] { ckpt_save(blocked, s.views(), s.metadata()); });
        REQUIRE(code == kExitSaveFailed);
        REQUIRE_THAT(msg, Contains(blocked + ": save failed: cannot rename " + blocked + ".tmp: "));
        REQUIRE(!path_exists(blocked + ".tmp"));
    }
    SECTION("the folder does not exist") {
        auto [code, msg] = failure_of([&] { ckpt_save(dir.file("no/such.ckpt"), s.views(), {}); });
        REQUIRE(code == kExitSaveFailed);
        REQUIRE_THAT(msg, Contains("No such file or directory"));
    }
    REQUIRE(read_bytes(path) == before);
    REQUIRE(CkptReader(path).tensors().size() == 5);
}

TEST_CASE("a leftover PATH.tmp from a crash does not break the next save", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = dir.file("model.ckpt");
    write_bytes(path + ".tmp", std::string(100000, 'G'));  // longer than the new file: must be truncated
    Sample s;
    ckpt_save(path, s.views(), s.metadata());
    REQUIRE(!path_exists(path + ".tmp"));
    REQUIRE(CkptReader(path).tensors().size() == 5);
}

TEST_CASE("atomic_symlink repoints a link, replacing a text pointer and a leftover temporary", "[ckpt]") {
    CkptTempDir dir;
    const std::string link = dir.file("lenet-latest");
    auto target_of = [&] {
        char buf[256] = {};
        REQUIRE(readlink(link.c_str(), buf, sizeof buf - 1) > 0);
        return std::string(buf);
    };
    write_bytes(link, "lenet-1_20.ckpt\n");       // a pointer from a filesystem without symlinks
    write_bytes(link + ".tmp", "killed mid-update");  // and a killed run's temporary
    REQUIRE(atomic_symlink("lenet-2_20.ckpt", link));
    REQUIRE(target_of() == "lenet-2_20.ckpt");
    REQUIRE(atomic_symlink("lenet-3_20.ckpt", link));
    REQUIRE(target_of() == "lenet-3_20.ckpt");
    REQUIRE(!path_exists(link + ".tmp"));

    auto [code, msg] = failure_of([&] { atomic_symlink("x.ckpt", dir.file("no/such-latest")); });
    REQUIRE(code == kExitSaveFailed);
    REQUIRE_THAT(msg, Contains("no/such-latest: save failed: cannot create ") && Contains("No such file or directory"));
}

TEST_CASE("a 110 MB checkpoint round trips", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = dir.file("big.ckpt");
    const std::size_t n = 55u << 18;  // 55 MB of floats per tensor
    std::vector<float> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<float>(i), b[i] = -static_cast<float>(i) * 0.5f;
    ckpt_save(path, {{"a", DType::F32, {n}, a.data(), n * 4}, {"b", DType::F32, {n / 4, 4}, b.data(), n * 4}},
              {{"note", "big"}});

    CkptReader reader(path);
    REQUIRE(reader.header().file_size > 110'000'000);
    std::vector<float> out(n);
    reader.read_f32("b", Shape{n / 4, 4}, out.data());
    REQUIRE(std::memcmp(out.data(), b.data(), n * 4) == 0);
    reader.read_f32("a", Shape{n}, out.data());
    REQUIRE(std::memcmp(out.data(), a.data(), n * 4) == 0);
}

TEST_CASE("a checkpoint parses as plain safetensors in Python", "[ckpt]") {
    const char* src = std::getenv("TRAINCTL_SRC");
    if (src == nullptr || access("/usr/bin/python3", X_OK) != 0) {
        WARN("skipped: needs /usr/bin/python3 and TRAINCTL_SRC=<source tree> for tests/ckpt_safetensors_check.py");
        return;
    }
    CkptTempDir dir;
    Sample s;
    ckpt_save(dir.file("py.ckpt"), s.views(), s.metadata());
    write_bytes(dir.file("hole.ckpt"),
                ckpt_image(ckpt_json(R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]})"), std::string(8, '\0')));
    auto run = [&](const std::string& file) {
        std::string cmd = "/usr/bin/python3 " + std::string(src) + "/tests/ckpt_safetensors_check.py " + file + " 2>&1";
        FILE* pipe = popen(cmd.c_str(), "r");
        REQUIRE(pipe != nullptr);
        std::string out;
        char chunk[4096];
        while (std::size_t got = std::fread(chunk, 1, sizeof chunk, pipe)) out.append(chunk, got);
        int status = pclose(pipe);
        return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
    };
    auto [ok_code, ok_out] = run(dir.file("py.ckpt"));
    INFO(ok_out);
    REQUIRE(ok_code == 0);
    REQUIRE_THAT(ok_out, Contains("fc1.weight F32 [2, 3]") && Contains("step I64 []") && Contains("empty F32 [0, 3]"));
    auto [bad_code, bad_out] = run(dir.file("hole.ckpt"));
    INFO(bad_out);
    REQUIRE(bad_code != 0);
    REQUIRE_THAT(bad_out, Contains("hole"));
}
