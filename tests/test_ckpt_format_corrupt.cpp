// Checkpoint reader rejections: every truncated, malformed or corrupt file is generated here
// and must fail with one line naming the file (and the tensor) and what was expected.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "ckpt_format/ckpt_reader.hpp"
#include "ckpt_format/ckpt_writer.hpp"
#include "ckpt_test_util.hpp"
#include "core/error.hpp"

using namespace trainctl;
using namespace trainctl::testing;
using Catch::Contains;
using Catch::StartsWith;

namespace {

// Two F32 tensors, a: [2] at [0,8) and b: [1] at [8,12).
const std::string kTwoTensors = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]})";

// The reader and verify both reject `image` with one line "PATH: ...fragment...".
void require_rejected(const std::string& image, const std::string& fragment) {
    CkptTempDir dir;
    const std::string path = dir.file("bad.ckpt");
    write_bytes(path, image);
    REQUIRE_THROWS_WITH(CkptReader(path), StartsWith(path + ": ") && Contains(fragment) && !Contains("\n"));
    REQUIRE_THROWS_WITH(ckpt_read_header(path), Contains(fragment));
    std::vector<std::string> problems = ckpt_verify(path);
    REQUIRE(problems.size() == 1);
    REQUIRE_THAT(problems[0], Contains(fragment));
}

std::vector<float> kA{1, 2}, kB{3};

// Flips `mask` in the byte `from_end` bytes before the end of the file (1 = the last byte).
void flip_from_end(const std::string& path, std::size_t from_end, char mask) {
    std::string bytes = read_bytes(path);
    bytes[bytes.size() - from_end] ^= mask;
    write_bytes(path, bytes);
}

std::string save_two(const CkptTempDir& dir) {
    const std::string path = dir.file("two.ckpt");
    ckpt_save(path, {{"a", DType::F32, {2}, kA.data(), 8}, {"b", DType::F32, {1}, kB.data(), 4}},
              {{"epoch", "3"}});
    return path;
}

}  // namespace

TEST_CASE("reader rejects files too short for the length prefix", "[ckpt]") {
    require_rejected("", "file is 0 bytes, too short for a checkpoint (expected at least 8)");
    require_rejected("1234567", "file is 7 bytes, too short");
}

TEST_CASE("reader checks the header length before allocating", "[ckpt]") {
    require_rejected(u64_le(1ull << 63) + std::string(16, ' '),
                     "header length 9223372036854775808 exceeds the 16 bytes after the length prefix");
    require_rejected(u64_le(64) + "{}", "header length 64 exceeds the 2 bytes");
    require_rejected(u64_le(3) + "{}  ", "header length 3 is not a multiple of 8");

    // A sparse file big enough to hold the claimed header: the cap, not the size, stops it.
    CkptTempDir dir;
    const std::string path = dir.file("huge.ckpt");
    write_bytes(path, u64_le(kCkptMaxHeaderBytes + 8));
    REQUIRE(truncate(path.c_str(), static_cast<off_t>(kCkptMaxHeaderBytes + 64)) == 0);
    REQUIRE_THROWS_WITH(CkptReader(path), Contains("header length 104857608 exceeds the cap of 104857600"));
}

TEST_CASE("reader rejects a gigabyte of zeros from its empty header, unread", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = dir.file("zeros.ckpt");
    write_bytes(path, "");
    REQUIRE(truncate(path.c_str(), off_t{1} << 30) == 0);  // sparse: reading it would take seconds
    REQUIRE_THROWS_WITH(CkptReader(path), StartsWith(path + ": header is not valid JSON"));
    REQUIRE(ckpt_verify(path).size() == 1);
}

TEST_CASE("reader rejects headers that are not one JSON object", "[ckpt]") {
    require_rejected(ckpt_image("{\"__metadata__\":", ""), "header is not valid JSON");
    require_rejected(ckpt_image("[1,2]", ""), "header must be a JSON object, found array");
    // fuzz_ckpt: nlohmann reports this one as out_of_range, which escaped as a non-Error exception.
    require_rejected(ckpt_image(ckpt_json(R"("a":{"dtype":"U8","shape":[1e999],"data_offsets":[0,0]})"), ""),
                     "header is not valid JSON: number overflow parsing '1e999'");
    require_rejected(ckpt_image(ckpt_json("\"\xff\":" R"({"dtype":"U8","shape":[0],"data_offsets":[0,0]})"), ""),
                     "ill-formed UTF-8");
    require_rejected(ckpt_image(ckpt_json(kTwoTensors + "," + kTwoTensors.substr(0, kTwoTensors.find("},") + 1)),
                                std::string(12, '\0')),
                     "header has key \"a\" twice");
}

TEST_CASE("reader rejects headers nested deeper than 64 levels", "[ckpt]") {
    // Printing a deep value in a message recursed off the stack: the parser stops at 64.
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    require_rejected(ckpt_image(ckpt_json(R"("a":{"dtype":)" + deep + R"(,"shape":[0],"data_offsets":[0,0]})"), ""),
                     "header is nested deeper than 64 levels");
    const std::string at_limit = std::string(61, '[') + std::string(61, ']');  // 64 with the objects
    require_rejected(ckpt_image(ckpt_json(R"("a":{"dtype":)" + at_limit + R"(,"shape":[0],"data_offsets":[0,0]})"), ""),
                     "tensor \"a\" has unknown dtype [[[[");
    // Found by fuzz_ckpt: the per-tensor CRC table is JSON inside a metadata string.
    const std::string megabyte = std::string(1 << 20, '[') + std::string(1 << 20, ']');
    require_rejected(ckpt_image(ckpt_json("", "{\"a\":" + megabyte + "}"), ""),
                     "metadata \"crc32c\" is nested deeper than 64 levels");
}

TEST_CASE("reader rejects files that are not trainctl checkpoints", "[ckpt]") {
    require_rejected(ckpt_image("{\"a\":{}}", ""), "not a trainctl checkpoint: header has no \"__metadata__\"");
    require_rejected(ckpt_image("{\"__metadata__\":{}}", ""), "metadata \"format\" is missing");
    require_rejected(ckpt_image(ckpt_json("", "{}", "trainctl.ckpt/2"), ""),
                     "unsupported format \"trainctl.ckpt/2\", expected \"trainctl.ckpt/1\"");
    require_rejected(ckpt_image(R"({"__metadata__":{"format":"trainctl.ckpt/1","epochs":3}})", ""),
                     "metadata \"epochs\" must be a string, found number");
    require_rejected(ckpt_image(R"({"__metadata__":{"format":"trainctl.ckpt/1","crc32c":"{}"}})", ""),
                     "metadata \"header_crc32c\" is missing");
}

TEST_CASE("reader rejects bad tensor entries by name", "[ckpt]") {
    const std::string data(12, '\0');
    auto entry = [](const std::string& dtype, const std::string& shape, const std::string& offsets) {
        return R"("a":{"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":)" + offsets + "}";
    };
    require_rejected(ckpt_image(ckpt_json(entry("F128", "[3]", "[0,12]")), data),
                     "tensor \"a\" has unknown dtype \"F128\"");
    require_rejected(ckpt_image(ckpt_json(entry("F32", "[2,-1]", "[0,12]")), data),
                     "tensor \"a\" shape must be a non-negative integer, found -1");
    require_rejected(ckpt_image(ckpt_json(entry("F32", "[2,2]", "[0,12]")), data),
                     "tensor \"a\" shape [2,2] F32 needs 16 bytes, data_offsets span 12");
    require_rejected(ckpt_image(ckpt_json(entry("F32", "[3]", "[12,0]")), data), "end before begin");
    require_rejected(ckpt_image(ckpt_json(entry("F32", "[3]", "[0]")), data),
                     "tensor \"a\" data_offsets must be [begin, end], found [0]");
    require_rejected(ckpt_image(ckpt_json(R"("a":{"dtype":"F32","shape":[3]})"), data),
                     "tensor \"a\" needs \"dtype\", \"shape\" and \"data_offsets\"");
}

TEST_CASE("reader requires offsets that tile the data section", "[ckpt]") {
    auto two = [](const std::string& b_offsets) {
        std::string json = kTwoTensors;
        json.replace(json.find("[8,12]"), 6, b_offsets);
        return ckpt_json(json, R"({"a":"00000000","b":"00000000"})");
    };
    require_rejected(ckpt_image(two("[4,8]"), std::string(12, '\0')),
                     "tensor \"b\" data_offsets [4,8] overlap the previous tensor (expected begin 8)");
    require_rejected(ckpt_image(two("[12,16]"), std::string(16, '\0')),
                     "tensor \"b\" data_offsets [12,16] leave a hole of 4 bytes (expected begin 8)");
    require_rejected(ckpt_image(two("[8,12]"), std::string(10, '\0')),
                     "tensor \"b\" data_offsets [8,12] run past the end of the file (data section is 10 bytes)");
    require_rejected(ckpt_image(two("[8,12]"), std::string(16, '\0')),
                     "data section is 16 bytes but tensors cover 12 (trailing bytes)");
}

TEST_CASE("reader requires a CRC for every tensor", "[ckpt]") {
    require_rejected(ckpt_image(ckpt_json(kTwoTensors, R"({"a":"00000000"})"), std::string(12, '\0')),
                     "metadata \"crc32c\" has no entry for tensor \"b\"");
    require_rejected(ckpt_image(ckpt_json(kTwoTensors, R"({"a":"0","b":"00000000"})"), std::string(12, '\0')),
                     "crc32c of tensor \"a\" must be 8 lowercase hex digits, found \"0\"");
}

TEST_CASE("a flipped bit in the header fails the header CRC", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = save_two(dir);
    std::string bytes = read_bytes(path);
    std::size_t at = bytes.find("\"shape\":[2]") + 9;
    bytes[at] ^= 1;  // '2' -> '3': still valid JSON, so only the CRC can notice
    require_rejected(bytes, "header CRC32C mismatch (stored ");
}

TEST_CASE("a flipped bit in the data fails that tensor's CRC", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = save_two(dir);
    flip_from_end(path, 1, 0x10);  // inside "b"
    REQUIRE_THROWS_WITH(CkptReader(path), StartsWith(path + ": tensor \"b\" CRC32C mismatch (stored "));
    REQUIRE(ckpt_read_header(path).tensors.size() == 2);  // the header alone is sound
    REQUIRE(CkptReader(path, CkptDataCrc::kSkip).tensors().size() == 2);

    flip_from_end(path, 5, 0x01);  // inside "a" too: verify lists both
    std::vector<std::string> problems = ckpt_verify(path);
    REQUIRE(problems.size() == 2);
    REQUIRE_THAT(problems[0], Contains("tensor \"a\" CRC32C mismatch"));
    REQUIRE_THAT(problems[1], Contains("tensor \"b\" CRC32C mismatch"));
}

TEST_CASE("with CRCs checked on read, a bad tensor fails its read and an unread one fails check_unread", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = save_two(dir);
    flip_from_end(path, 1, 0x10);  // inside "b"
    std::vector<float> a(2), b(1);

    CkptReader reader(path, CkptDataCrc::kOnRead);  // opening reads no tensor bytes
    reader.read_f32("a", Shape{2}, a.data());
    REQUIRE(a == kA);
    REQUIRE_THROWS_WITH(reader.read_f32("b", Shape{1}, b.data()),
                        StartsWith(path + ": tensor \"b\" CRC32C mismatch (stored "));

    CkptReader only_a(path, CkptDataCrc::kOnRead);  // a load that never touches "b" ...
    only_a.read_f32("a", Shape{2}, a.data());
    REQUIRE_THROWS_WITH(only_a.check_unread(), StartsWith(path + ": tensor \"b\" CRC32C mismatch"));  // ... still fails

    CkptReader skip(path, CkptDataCrc::kSkip);
    skip.read_f32("b", Shape{1}, b.data());  // trusted as asked
    REQUIRE(b[0] != kB[0]);
}

TEST_CASE("a tensor spanning many read chunks loads intact and is CRC-checked whole", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = dir.file("big.ckpt");
    const std::size_t n = (3u << 20) / 4 + 5;  // 3 MiB and a bit: three full 1 MiB chunks and a tail
    std::vector<float> w(n);
    for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<float>(i) * 0.25f;
    ckpt_save(path, {{"w", DType::F32, {n}, w.data(), n * 4}}, {});
    std::vector<float> out(n);
    CkptReader(path, CkptDataCrc::kOnRead).read_f32("w", Shape{n}, out.data());
    REQUIRE(out == w);

    flip_from_end(path, 2, 0x01);  // in the tail chunk
    REQUIRE_THROWS_WITH(CkptReader(path, CkptDataCrc::kOnRead).read_f32("w", Shape{n}, out.data()),
                        Contains("tensor \"w\" CRC32C mismatch"));
}

TEST_CASE("reading a tensor checks name, dtype and shape", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = dir.file("fc.ckpt");
    std::vector<float> w(120 * 400, 0.5f);
    std::int64_t step = 7;
    ckpt_save(path, {{"fc1.weight", DType::F32, {120, 400}, w.data(), w.size() * 4},
                     {"step", DType::I64, {}, &step, 8}}, {});
    CkptReader reader(path);
    std::vector<float> out(120 * 400);
    REQUIRE_THROWS_WITH(reader.read_f32("fc1.weight", Shape{84, 120}, out.data()),
                        path + ": tensor \"fc1.weight\" has shape [120,400], expected [84,120]");
    REQUIRE_THROWS_WITH(reader.read_f32("step", Shape{}, out.data()),
                        path + ": tensor \"step\" has dtype I64, expected F32");
    REQUIRE_THROWS_WITH(reader.read_f32("fc2.weight", Shape{84, 120}, out.data()),
                        path + ": no tensor \"fc2.weight\"");
    REQUIRE(ckpt_verify(path).empty());
}

TEST_CASE("writer rejects inconsistent tensor views", "[ckpt]") {
    CkptTempDir dir;
    const std::string path = dir.file("w.ckpt");
    float x[4] = {};
    REQUIRE_THROWS_WITH(ckpt_save(path, {{"x", DType::F32, {2}, x, 4}}, {}),
                        Contains("tensor \"x\": shape [2] F32 needs 8 bytes, got 4"));
    REQUIRE_THROWS_WITH(ckpt_save(path, {{"x", DType::F32, {1}, x, 4}, {"x", DType::F32, {1}, x + 1, 4}}, {}),
                        Contains("tensor \"x\": name given twice"));
    REQUIRE_THROWS_WITH(ckpt_save(path, {{"__metadata__", DType::F32, {1}, x, 4}}, {}),
                        Contains("is reserved"));
    REQUIRE_THROWS_WITH(ckpt_save(path, {}, {{"crc32c", "x"}}), Contains("metadata key \"crc32c\" is reserved"));
    REQUIRE(access(path.c_str(), F_OK) != 0);  // nothing written
}
