// Test tool: trainctl's own logits of the first MNIST test images, as raw little-endian float32
// [count,classes], for tests/onnx_opencv_check.py to compare an ONNX runtime against. A test
// hook, so it lives here and not in the user's `trainctl export`.
//   trainctl_reference_logits --ckpt CKPT --reference-logits OUT [--data DIR] [--reference-count N]
// Errors print one line "trainctl: error: ..." and exit with trainctl's codes, as the CLI does.
#include <cstdint>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include "ckpt_format/atomic_file.hpp"
#include "cmd/run/data_lookup.hpp"
#include "cmd/run/model_from_ckpt.hpp"
#include "cmd/same_file.hpp"
#include "core/data/batch.hpp"
#include "core/error.hpp"
#include "core/tensor.hpp"

namespace trainctl {
namespace {

constexpr std::size_t kReferenceCountMax = 10000;  // the MNIST test set

struct Options {
    std::string ckpt, out, data_dir;
    std::size_t count = 100;
};

Options parse_args(int argc, char** argv) {
    Options opt;
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) throw usage_error(flag + " needs a value");
        const std::string value = argv[i + 1];
        if (flag == "--ckpt") opt.ckpt = value;
        else if (flag == "--reference-logits") opt.out = value;
        else if (flag == "--data") opt.data_dir = value;
        else if (flag == "--reference-count") opt.count = std::stoul(value);
        else throw usage_error("unknown flag " + flag);
    }
    if (opt.ckpt.empty() || opt.out.empty()) throw usage_error("--ckpt and --reference-logits are required");
    if (opt.count < 1 || opt.count > kReferenceCountMax)
        throw usage_error("--reference-count must be in [1, " + std::to_string(kReferenceCountMax) + "]");
    return opt;
}

// The net's logits for test images 0..count-1, through the same transform as training.
std::vector<float> reference_logits(LoadedModel& m, const LabeledImages& test, std::size_t n) {
    if (n > test.count)
        throw usage_error("--reference-count " + std::to_string(n) + " exceeds the " + std::to_string(test.count) +
                          " test images");
    BatchMaker batches(m.config.input, test.rows, test.cols);
    batches.reserve(n);
    m.net->reserve(n);
    std::vector<std::uint32_t> indices(n);
    std::iota(indices.begin(), indices.end(), 0u);
    std::vector<std::uint8_t> labels(n);
    batches.make(test, indices.data(), n, labels.data());
    const Tensor& logits = m.net->forward(batches.batch());
    return std::vector<float>(logits.data(), logits.data() + logits.size());
}

// The output may not be a file read here: the checkpoint or an MNIST test file.
void run(const Options& opt) {
    refuse_output_over_input("--reference-logits", opt.out, {{"the checkpoint", "--ckpt", opt.ckpt}});
    const MnistFiles files = locate_mnist(opt.data_dir);
    refuse_output_over_input("--reference-logits", opt.out,
                             {{"an MNIST file", "--data", files.test_images}, {"an MNIST file", "--data", files.test_labels}});
    LoadedModel m = load_model_from_ckpt(opt.ckpt);
    const std::vector<float> logits = reference_logits(m, load_mnist_split(files, "test"), opt.count);
    atomic_write_file(opt.out, {{logits.data(), logits.size() * sizeof(float)}});
}

}  // namespace
}  // namespace trainctl

int main(int argc, char** argv) {
    try {
        trainctl::run(trainctl::parse_args(argc, argv));
    } catch (const trainctl::Error& e) {
        std::cerr << "trainctl: error: " << e.what() << "\n";
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << "trainctl: error: internal error: " << e.what() << "\n";
        return trainctl::kExitInternal;
    }
    return 0;
}
