// IDX reader and writers: tiny generated files round trip; every corrupt input is named.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/data/idx.hpp"
#include "core/error.hpp"
#include "idx_write.hpp"
#include "temp_dir.hpp"

using namespace trainctl;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> be32(std::initializer_list<std::uint32_t> words) {
    std::vector<std::uint8_t> out;
    for (std::uint32_t w : words)
        for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(w >> shift));
    return out;
}

void write_idx_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes, bool gzip = false) {
    if (gzip) {
        gzFile gz = gzopen(path.c_str(), "wb1");  // fastest level: only the format matters here
        REQUIRE(gz != nullptr);
        REQUIRE(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) ==
                static_cast<int>(bytes.size()));
        REQUIRE(gzclose(gz) == Z_OK);
    } else {
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
}

std::vector<std::uint8_t> read_idx_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> concat(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// Three 4x5 images with distinct pixels, and their labels.
const std::vector<std::uint8_t> kLabels = {7, 0, 9};
std::vector<std::uint8_t> sample_images() {
    std::vector<std::uint8_t> px(3 * 4 * 5);
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i * 4 + 1);
    return px;
}

std::vector<std::uint8_t> images_of(const std::string& path) {
    std::size_t count = 0, rows = 0, cols = 0;
    return read_idx_images(path, count, rows, cols);
}

std::vector<std::uint8_t> labels_of(const std::string& path) {
    std::size_t count = 0;
    return read_idx_labels(path, count);
}

}  // namespace

TEST_CASE("idx: raw and gzip files round trip", "[core][idx]") {
    testing::TempDir tmp("idx");
    const std::string ext = GENERATE(std::string(""), std::string(".gz"));
    const std::string img = tmp.file("img" + ext), lab = tmp.file("lab" + ext);
    write_idx_images(img, sample_images(), 3, 4, 5);
    write_idx_labels(lab, kLabels);
    // The writers pick gzip by name; .gz files must really be gzip (magic 1f 8b).
    CHECK((read_idx_bytes(img)[0] == 0x1f) == (ext == ".gz"));
    CHECK(!fs::exists(img + ".tmp"));

    LabeledImages d = read_idx_pair(img, lab);
    CHECK(d.count == 3);
    CHECK(d.rows == 4);
    CHECK(d.cols == 5);
    CHECK(d.images == sample_images());
    CHECK(d.labels == kLabels);
    CHECK(d.image(2)[0] == sample_images()[40]);

    // Packed as read: the same pixels, image by image, and no unpacked copy kept.
    LabeledImages p = read_idx_pair(img, lab, true);
    CHECK(p.is_packed());
    CHECK(p.images.empty());
    CHECK(p.count == 3);
    CHECK(p.labels == kLabels);
    std::vector<std::uint8_t> scratch(20);
    for (std::size_t i = 0; i < 3; ++i) {
        const std::uint8_t* px = p.pixels(i, scratch.data());
        CHECK(std::vector<std::uint8_t>(px, px + 20) == std::vector<std::uint8_t>(d.image(i), d.image(i) + 20));
    }
}

TEST_CASE("idx: gzip is detected by its magic, not the name", "[core][idx]") {
    testing::TempDir tmp("idx");
    write_idx_labels(tmp.file("a.gz"), kLabels);
    fs::rename(tmp.file("a.gz"), tmp.file("plain-name"));
    CHECK(labels_of(tmp.file("plain-name")) == kLabels);
    write_idx_labels(tmp.file("raw"), kLabels);
    fs::rename(tmp.file("raw"), tmp.file("raw.gz"));
    CHECK(labels_of(tmp.file("raw.gz")) == kLabels);
}

TEST_CASE("idx: bad headers are named", "[core][idx]") {
    testing::TempDir tmp("idx");
    const std::string p = tmp.file("bad");
    SECTION("missing file") {
        REQUIRE_THROWS_WITH(labels_of(p), Contains(p + ": cannot open: no such file"));
    }
    SECTION("a folder") {
        REQUIRE_THROWS_WITH(labels_of(tmp.path.string()), Contains("not a regular file"));
    }
    SECTION("empty file") {
        write_idx_bytes(p, {});
        REQUIRE_THROWS_WITH(labels_of(p), Contains(p + ": empty file"));
    }
    SECTION("header cut short") {
        write_idx_bytes(p, {0, 0, 8, 1, 0, 0});
        REQUIRE_THROWS_WITH(labels_of(p),
                            Contains(p + ": truncated header: expected a 4-byte dimension, found 2 bytes"));
    }
    SECTION("labels read as images") {
        write_idx_labels(p, kLabels);
        REQUIRE_THROWS_WITH(images_of(p),
                            Contains(p + ": bad magic: expected 0x00000803") && Contains("found 0x00000801"));
    }
    SECTION("images read as labels, gzipped") {
        write_idx_images(p + ".gz", sample_images(), 3, 4, 5);
        REQUIRE_THROWS_WITH(labels_of(p + ".gz"),
                            Contains("bad magic: expected 0x00000801") && Contains("found 0x00000803"));
    }
    SECTION("a zero dimension") {
        write_idx_bytes(p, be32({0x803, 3, 0, 5}));
        REQUIRE_THROWS_WITH(images_of(p), Contains(p + ": bad header: expected dimensions > 0, found 0"));
    }
    SECTION("absurd image side") {
        write_idx_bytes(p, be32({0x803, 1, 100000, 5}));
        REQUIRE_THROWS_WITH(images_of(p), Contains(p + ": bad header") && Contains("100000x5"));
    }
}

TEST_CASE("idx: absurd counts are rejected before allocating", "[core][idx]") {
    testing::TempDir tmp("idx");
    const std::string p = tmp.file("huge");
    // 2^32-1 images of 4096x4096 is 2^56 bytes: allocating would throw bad_alloc, not this.
    auto header = concat(be32({0x803, 0xffffffffu, 4096, 4096}), std::vector<std::uint8_t>(84, 0));
    SECTION("raw") {
        write_idx_bytes(p, header);
        REQUIRE_THROWS_WITH(images_of(p),
                            Contains(p + ": truncated: expected 4294967295 images of 4096x4096") &&
                                Contains("found 84 bytes"));
    }
    SECTION("gzip") {
        write_idx_bytes(p, header, true);
        REQUIRE_THROWS_WITH(images_of(p), Contains(p + ": bad header: claims 72057594021150720 bytes") &&
                                              Contains("gzip file can hold"));
    }
    SECTION("gzip, a claim a gzip file could hold but does not") {
        write_idx_bytes(p, concat(be32({0x801, 20000}), {1, 2, 3}), true);
        REQUIRE_THROWS_WITH(labels_of(p),
                            Contains(p + ": truncated: expected 20000 labels") && Contains("found 3 bytes"));
    }
}

TEST_CASE("idx: a gigabyte of zeros is rejected at its magic, unread", "[core][idx]") {
    testing::TempDir tmp("idx");
    const std::string p = tmp.file("zeros");
    write_idx_bytes(p, {});
    fs::resize_file(p, std::uintmax_t{1} << 30);  // sparse: no disk used, but reading it would take seconds
    REQUIRE_THROWS_WITH(images_of(p), p + ": bad magic: expected 0x00000803 (IDX images: uint8, 3 dims), found 0x00000000");
}

TEST_CASE("idx: gzip payloads past the up-front allocation grow as data arrives", "[core][idx]") {
    // 1100 images of 256x256 is 72 MB, past the reader's 64 MB first allocation; the header
    // claims one more, so the count found shows how far the growing buffer read.
    testing::TempDir tmp("idx");
    const std::string p = tmp.file("big.gz");
    std::vector<std::uint8_t> px = be32({0x803, 1101, 256, 256});
    px.resize(px.size() + std::size_t{1100} * 256 * 256, 3);
    write_idx_bytes(p, px, true);
    REQUIRE_THROWS_WITH(images_of(p), Contains(p + ": truncated: expected 1101 images of 256x256") &&
                                          Contains("found 72089600 bytes"));
}

TEST_CASE("idx: payload size must match exactly", "[core][idx]") {
    testing::TempDir tmp("idx");
    const std::string p = tmp.file("lab");
    const bool gzip = GENERATE(false, true);
    SECTION("truncated") {
        write_idx_bytes(p, concat(be32({0x801, 10000}), std::vector<std::uint8_t>(9000, 1)), gzip);
        REQUIRE_THROWS_WITH(
            labels_of(p), Contains(p + ": truncated: expected 10000 labels") && Contains("found 9000 bytes"));
    }
    SECTION("trailing bytes") {
        write_idx_bytes(p, concat(be32({0x801, 3}), {1, 2, 3, 4}), gzip);
        REQUIRE_THROWS_WITH(labels_of(p), Contains(p + ": trailing data: expected 3 labels"));
    }
    SECTION("images truncated mid-image") {
        write_idx_bytes(p, concat(be32({0x803, 3, 4, 5}), std::vector<std::uint8_t>(50, 1)), gzip);
        REQUIRE_THROWS_WITH(images_of(p),
                            Contains("truncated: expected 3 images of 4x5 (60 bytes), found 50 bytes"));
    }
}

TEST_CASE("idx: a corrupt gzip stream names the file", "[core][idx]") {
    testing::TempDir tmp("idx");
    const std::string p = tmp.file("img.gz");
    write_idx_images(p, sample_images(), 3, 4, 5);
    std::vector<std::uint8_t> bytes = read_idx_bytes(p);
    SECTION("bad compression method in the gzip header") {
        bytes[2] = 7;
    }
    SECTION("a flipped byte in the compressed data") {
        bytes[bytes.size() / 2] ^= 0xff;
    }
    SECTION("a flipped CRC") {
        bytes[bytes.size() - 8] ^= 0xff;
    }
    SECTION("stream cut before its end") {
        bytes.resize(bytes.size() - 6);
    }
    write_idx_bytes(p, bytes);
    REQUIRE_THROWS_WITH(images_of(p), Contains(p + ": corrupt gzip stream"));
}

TEST_CASE("idx: the pair must agree and labels must be 0-9", "[core][idx]") {
    testing::TempDir tmp("idx");
    const std::string img = tmp.file("img"), lab = tmp.file("lab");
    write_idx_images(img, sample_images(), 3, 4, 5);
    SECTION("counts disagree") {
        write_idx_labels(lab, {1, 2});
        REQUIRE_THROWS_WITH(read_idx_pair(img, lab),
                            Contains(lab + ": expected 3 labels") && Contains(img) && Contains("found 2"));
    }
    SECTION("label 200: any uint8 label is read (the run checks the range against its classes)") {
        write_idx_labels(lab, {1, 2, 200});
        CHECK(read_idx_pair(img, lab).labels[2] == 200);
    }
}

TEST_CASE("idx: writers check their input and leave no file on failure", "[core][idx]") {
    testing::TempDir tmp("idx");
    REQUIRE_THROWS_WITH(write_idx_images(tmp.file("img"), sample_images(), 2, 4, 5),
                        Contains("expected 40 pixels (2 images of 4x5), found 60"));
    const std::string nowhere = tmp.file("no/such/dir/lab");
    REQUIRE_THROWS_WITH(write_idx_labels(nowhere, kLabels), Contains(nowhere + ": cannot write"));
    CHECK(fs::is_empty(tmp.path));
}

TEST_CASE("idx: a planted PATH.tmp symlink is removed, not written through", "[core][idx]") {
    testing::TempDir tmp("idx");
    const std::string victim = tmp.file("victim"), escaped = tmp.file("escaped");
    write_idx_bytes(victim, {1, 2, 3});
    for (const std::string ext : {"", ".gz"}) {
        const std::string lab = tmp.file("lab" + ext), img = tmp.file("img" + ext);
        fs::create_symlink(victim, lab + ".tmp");
        fs::create_symlink(escaped, img + ".tmp");  // dangling
        write_idx_labels(lab, kLabels);
        write_idx_images(img, sample_images(), 3, 4, 5);
        CHECK(labels_of(lab) == kLabels);
        CHECK(images_of(img) == sample_images());
        CHECK(!fs::exists(fs::symlink_status(lab + ".tmp")));
        CHECK(!fs::exists(fs::symlink_status(img + ".tmp")));
    }
    CHECK(fs::file_size(victim) == 3);
    CHECK(!fs::exists(escaped));
}
