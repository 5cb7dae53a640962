// ckpt_non_finite: NaN and infinities found by their bits in every float dtype, with the first
// bad index; integer tensors pass; ckpt_verify reports them only when asked (kFinite).
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>

#include "ckpt_format/ckpt_finite.hpp"
#include "ckpt_format/ckpt_reader.hpp"
#include "ckpt_format/ckpt_writer.hpp"
#include "ckpt_test_util.hpp"

using namespace trainctl;
using namespace trainctl::testing;

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();
}  // namespace

TEST_CASE("ckpt_non_finite names the tensor, the first bad index and what it holds", "[ckpt]") {
    const float sound[3] = {1, -2, 3e38f};
    const float nan_at_1[3] = {0, kNaN, kInf};
    const double minus_inf_at_2[3] = {0, 1, -std::numeric_limits<double>::infinity()};
    const std::uint16_t f16[2] = {0x3c00, 0x7c00};   // 1.0, +inf
    const std::uint16_t bf16[2] = {0x7f7f, 0xffc1};  // the largest finite, a NaN
    const std::int32_t ints[2] = {0x7f800000, -1};   // NaN's bits, as an integer: fine
    CkptTempDir dir;
    const std::string path = dir.file("x.ckpt");
    ckpt_save(path,
              {{"sound", DType::F32, {3}, sound, sizeof sound},
               {"fc1.weight", DType::F32, {3}, nan_at_1, sizeof nan_at_1},
               {"f64", DType::F64, {3}, minus_inf_at_2, sizeof minus_inf_at_2},
               {"f16", DType::F16, {2}, f16, sizeof f16},
               {"bf16", DType::BF16, {2}, bf16, sizeof bf16},
               {"ints", DType::I32, {2}, ints, sizeof ints}},
              {});
    const CkptReader reader(path);
    auto check = [&](const std::string& name) { return ckpt_non_finite(reader, reader.tensor(name)); };
    CHECK(check("sound").empty());
    CHECK(check("ints").empty());
    CHECK(check("fc1.weight") ==
          path + ": tensor \"fc1.weight\" holds NaN at index 1; the weights diverged, use an earlier checkpoint");
    CHECK_THAT(check("f64"), Catch::Contains("tensor \"f64\" holds -inf at index 2;"));
    CHECK_THAT(check("f16"), Catch::Contains("tensor \"f16\" holds inf at index 1;"));
    CHECK_THAT(check("bf16"), Catch::Contains("tensor \"bf16\" holds NaN at index 1;"));

    // Integrity alone passes the file; kFinite reports its first non-finite tensor, once.
    CHECK(ckpt_verify(path).empty());
    CHECK(ckpt_verify(path, CkptValues::kFinite) == std::vector<std::string>{check("fc1.weight")});
}
