// Fuzzes checkpoint file-name parsing (ckpt_format/ckpt_names.cpp). The input, as a name: when
// it parses, ckpt_file_name gives it back byte for byte (a name has one reading and one
// spelling). The same bytes, as a prefix, numbers and a kind: a name built from a prefix a new
// run may use parses back to exactly that, and is no other such prefix's file or temporary.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ckpt_format/ckpt_names.hpp"
#include "core/config.hpp"

using namespace trainctl;

namespace {

[[noreturn]] void fail(const char* what, const std::string& file) {
    std::fprintf(stderr, "%s: \"%s\"\n", what, file.c_str());
    std::abort();
}

bool same(const CkptName& a, const CkptName& b) {
    return a.prefix == b.prefix && a.epoch == b.epoch && a.step == b.step && a.kind == b.kind;
}

bool new_run_prefix(const std::string& prefix) { return is_valid_prefix(prefix) && !is_reserved_prefix(prefix); }

void check_parse(const std::string& file) {
    const auto name = parse_ckpt_file_name(file);
    if (!name) return;
    if (ckpt_file_name(*name) != file) fail("parses but is not spelled back", file);
    if (!new_run_prefix(name->prefix)) fail("parses to a prefix no new run may use", file);
    if (name->epoch < 1 || name->epoch > kMaxNameNumber || name->step < 1 || name->step > kMaxNameNumber)
        fail("parses to a number out of range", file);
    const auto own = parse_ckpt_file_name_of(file, name->prefix);
    if (!own || !same(*own, *name)) fail("its own run reads it another way", file);
}

void check_built(FuzzedDataProvider& in) {
    const std::string prefix = in.ConsumeRandomLengthString(64);
    const std::string other = in.ConsumeRandomLengthString(64);
    CkptName name{prefix, in.ConsumeIntegralInRange<std::uint64_t>(1, kMaxNameNumber),
                  in.ConsumeIntegralInRange<std::uint64_t>(1, kMaxNameNumber),
                  in.PickValueInArray({CkptKind::kStep, CkptKind::kBreakpoint, CkptKind::kBest})};
    if (!new_run_prefix(prefix)) return;
    const std::string file = ckpt_file_name(name);
    const auto parsed = parse_ckpt_file_name(file);
    if (!parsed || !same(*parsed, name)) fail("a built name does not parse back", file);
    const auto own = parse_ckpt_file_name_of(file, prefix);
    if (!own || !same(*own, name)) fail("a built name is not its run's", file);
    if (!is_run_temporary(file + ".tmp", prefix)) fail("a built name's temporary is not its run's", file);
    if (other == prefix || !new_run_prefix(other)) return;
    if (parse_ckpt_file_name_of(file, other)) fail(("also a file of run \"" + other + "\"").c_str(), file);
    if (is_run_temporary(file + ".tmp", other)) fail(("also a temporary of run \"" + other + "\"").c_str(), file);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check_parse(std::string(reinterpret_cast<const char*>(data), size));
    FuzzedDataProvider in(data, size);
    check_built(in);
    return 0;
}
