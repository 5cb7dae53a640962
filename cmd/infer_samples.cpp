// Turning picks and files into InferSamples; BatchMaker does the resize and normalisation, so
// the user's images get exactly the training transforms.
#include "cmd/infer_samples.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>

#include "core/data/batch.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/split_threads.hpp"

namespace trainctl {
namespace {

// MNIST's mean brightness is about 33 of 255; a picture brighter than mid-grey on average is
// almost surely a dark digit on a light background.
constexpr double kInvertedMean = 127.5;
// Files are decoded on up to this many threads, each given at least kFilesPerThread.
constexpr std::size_t kMaxDecodeThreads = 8;
constexpr std::size_t kFilesPerThread = 16;

InferSample from_test(const LabeledImages& test, BatchMaker& transform, std::size_t i) {
    InferSample s;
    s.name = "test[" + std::to_string(i) + "]";
    s.display.width = test.cols;
    s.display.height = test.rows;
    s.display.pixels.assign(test.image(i), test.image(i) + test.rows * test.cols);
    s.input.resize(transform.spec().size * transform.spec().size);
    transform.transform(test.image(i), s.input.data());
    s.truth = test.labels[i];
    s.index = i;
    return s;
}

// One file read, decoded and transformed (and drawn when `display`); `hint` says when it looks
// like dark on light.
InferSample load_file_sample(const std::string& file, const InputSpec& spec, bool invert, bool display,
                             std::string& hint) {
    GreyImage im = read_grey_image(file);
    if (invert)
        for (auto& v : im.pixels) v = static_cast<std::uint8_t>(255 - v);
    const double mean = std::accumulate(im.pixels.begin(), im.pixels.end(), 0.0) / im.pixels.size();
    if (mean > kInvertedMean)
        hint = "trainctl: hint: " + file + ": mean brightness " + std::to_string(std::lround(mean)) +
               " of 255 looks like a dark digit on a light background; MNIST digits are light on dark: " +
               (invert ? "drop --invert" : "try --invert");

    const InputSpec unit{spec.size, /*mean=*/0.0f, /*std=*/1.0f};  // resize only: values x/255
    InferSample s;
    s.name = file;
    s.input.resize(spec.size * spec.size);
    BatchMaker(spec, im.height, im.width).transform(im.pixels.data(), s.input.data());
    if (!display) return s;
    std::vector<float> unit_pixels(spec.size * spec.size);
    BatchMaker(unit, im.height, im.width).transform(im.pixels.data(), unit_pixels.data());
    s.display.width = s.display.height = spec.size;
    s.display.pixels.reserve(unit_pixels.size());
    for (float v : unit_pixels)
        s.display.pixels.push_back(static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)));
    return s;
}

}  // namespace

std::vector<InferSample> pick_test_samples(const LabeledImages& test, const InputSpec& spec,
                                           const std::vector<std::size_t>& indices, std::size_t count,
                                           std::uint64_t seed) {
    std::vector<std::size_t> picks = indices;
    for (std::size_t i : picks)
        if (i >= test.count)
            throw usage_error("--index: " + std::to_string(i) + " is out of range: the test set has " +
                              std::to_string(test.count) + " images (0.." + std::to_string(test.count - 1) + ")");
    if (picks.empty()) {
        if (count > test.count)
            throw usage_error("--count: " + std::to_string(count) + " is more than the " +
                              std::to_string(test.count) + " test images");
        Rng rng(seed, kStreamPick);
        while (picks.size() < count) {
            const std::size_t i = rng.below(static_cast<std::uint32_t>(test.count));
            if (std::find(picks.begin(), picks.end(), i) == picks.end()) picks.push_back(i);
        }
    }
    BatchMaker transform(spec, test.rows, test.cols);
    std::vector<InferSample> out;
    for (std::size_t i : picks) out.push_back(from_test(test, transform, i));
    return out;
}

std::vector<InferSample> load_file_samples(const std::vector<std::string>& files, const InputSpec& spec, bool invert,
                                           bool display) {
    const std::size_t n = files.size();
    std::vector<InferSample> out(n);
    std::vector<std::string> hints(n);
    // Decoding is most of a batch's time: split over the cores, each thread a contiguous range in
    // order, stopping at its first bad file; the first bad file of all is the one reported.
    run_split(n, split_thread_count(n, kMaxDecodeThreads, kFilesPerThread),
              [&](std::size_t k) { out[k] = load_file_sample(files[k], spec, invert, display, hints[k]); });
    for (const std::string& hint : hints)
        if (!hint.empty()) std::cerr << hint << "\n";
    return out;
}

}  // namespace trainctl
