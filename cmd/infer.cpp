// `trainctl infer`: classify picked MNIST test images or your own image files (folders and globs
// too, in batches) with a checkpoint; print the top classes, draw them, save them as a PNG grid.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <numeric>

#include "cmd/commands.hpp"
#include "cmd/run/data_lookup.hpp"
#include "cmd/infer_inputs.hpp"
#include "cmd/infer_samples.hpp"
#include "cmd/render/png_grid.hpp"
#include "cmd/render/png_write.hpp"
#include "cmd/render/term_grid.hpp"
#include "cmd/render/term_width.hpp"
#include "cmd/run/model_from_ckpt.hpp"
#include "cmd/same_file.hpp"
#include "core/error.hpp"
#include "core/evaluate.hpp"
#include "core/tensor.hpp"

namespace trainctl {

struct InferOptions {
    std::string ckpt, run, data_dir, save;
    std::vector<std::string> inputs;
    std::vector<std::size_t> indices;
    std::size_t count = 4;
    std::uint64_t seed = 1;
    bool show = false, json = false, invert = false;
};

namespace {

constexpr std::size_t kTopK = 3;

using Probabilities = std::vector<double>;  // one image's, a value per class

// Softmax of each row of logits [n,classes], in double so tiny probabilities keep their digits.
std::vector<Probabilities> softmax_rows(const Tensor& logits, std::size_t n, std::size_t classes) {
    std::vector<Probabilities> out(n, Probabilities(classes));
    for (std::size_t i = 0; i < n; ++i) {
        const float* row = logits.data() + i * classes;
        const double top = *std::max_element(row, row + classes);
        double sum = 0;
        for (std::size_t c = 0; c < classes; ++c) sum += out[i][c] = std::exp(row[c] - top);
        for (double& p : out[i]) p /= sum;
    }
    return out;
}

std::vector<std::size_t> ranked(const Probabilities& p) {
    std::vector<std::size_t> order(p.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
    return order;
}

// The grids draw printable ASCII, a byte a column: a folder named "café" shows as "caf??".
std::string drawable(std::string text) {
    for (char& c : text)
        if (c < ' ' || c > '~') c = '?';
    return text;
}

DigitTile tile_of(const InferSample& s, std::size_t prediction, const std::vector<std::string>& names) {
    DigitTile t;
    t.image = s.display;
    t.title = "prediction: " + class_label(names, prediction);
    if (s.truth >= 0) {
        t.title += ", truth: " + class_label(names, static_cast<std::size_t>(s.truth));
        t.verdict = static_cast<int>(prediction) == s.truth ? Verdict::kRight : Verdict::kWrong;
    }
    t.title = drawable(t.title);
    return t;
}

nlohmann::json sample_json(const InferSample& s, std::size_t prediction, const Probabilities& p,
                           const std::vector<std::string>& names) {
    nlohmann::json j;
    if (s.truth >= 0) j = {{"index", s.index}, {"truth", s.truth}};
    if (s.truth >= 0 && s.name.rfind("test[", 0) != 0) j["file"] = s.name;  // an image folder's test image
    else j = {{"file", s.name}};
    if (s.truth >= 0 && !names.empty()) j["truth_name"] = names[static_cast<std::size_t>(s.truth)];
    j["prediction"] = prediction;
    if (!names.empty()) j["prediction_name"] = names[prediction];
    j["probabilities"] = p;
    return j;
}

std::string top_line(const InferSample& s, const Probabilities& p, const std::vector<std::string>& names) {
    const auto order = ranked(p);
    std::string line = s.name + (s.truth >= 0 ? " (truth " + class_label(names, static_cast<std::size_t>(s.truth)) + "):" : ":");
    for (std::size_t k = 0; k < kTopK && k < order.size(); ++k) {
        char buf[32];
        std::snprintf(buf, sizeof buf, " %.4f", p[order[k]]);
        line += "  " + class_label(names, order[k]) + buf;
    }
    return line;
}

// --save may not name a file the command reads (checked before each is read).
void refuse_save_over(const InferOptions& opt, const std::vector<CommandInput>& inputs) {
    if (!opt.save.empty()) refuse_output_over_input("--save", opt.save, inputs);
}

// An image folder holds too many files to name one by one: --save may not go anywhere inside it.
void refuse_save_inside(const InferOptions& opt, const std::string& root) {
    if (opt.save.empty()) return;
    std::error_code ec1, ec2;
    const std::filesystem::path save = std::filesystem::weakly_canonical(opt.save, ec1);
    const std::filesystem::path dir = std::filesystem::weakly_canonical(root, ec2);
    if (ec1 || ec2) return;
    const std::filesystem::path rel = save.lexically_relative(dir);
    if (!rel.empty() && *rel.begin() != "..")
        throw usage_error("--save " + opt.save + ": inside the image folder " + root +
                          " that infer reads its images from; save the grid elsewhere");
}

// Images forwarded at a time: enough for the layers' GEMMs to run long, little memory at any count.
constexpr std::size_t kInferBatch = 256;

// What infer prints, gathered as the batches go: a bad file later on stops the run before any line.
struct InferOutput {
    std::string lines;
    std::vector<DigitTile> tiles;  // only with --show or --save
};

// Forwards `samples` kInferBatch at a time through the net (reserved for that) and appends their lines.
void classify(LoadedModel& m, const std::vector<InferSample>& samples, const InferOptions& opt, InferOutput& out) {
    const std::size_t size = m.config.input.size, plane = size * size;
    for (std::size_t begin = 0; begin < samples.size(); begin += kInferBatch) {
        const std::size_t n = std::min(kInferBatch, samples.size() - begin);
        Tensor x({n, 1, size, size});
        for (std::size_t i = 0; i < n; ++i)
            std::copy(samples[begin + i].input.begin(), samples[begin + i].input.end(), x.data() + i * plane);
        const std::vector<std::string>& names = m.config.net.class_names;
        const auto probs = softmax_rows(m.net->infer(x), n, m.net->out_sample().numel());
        for (std::size_t i = 0; i < n; ++i) {
            const InferSample& s = samples[begin + i];
            const std::size_t prediction = ranked(probs[i])[0];
            out.lines += opt.json ? sample_json(s, prediction, probs[i], names).dump() : top_line(s, probs[i], names);
            out.lines += '\n';
            if (opt.show || !opt.save.empty()) out.tiles.push_back(tile_of(s, prediction, names));
        }
    }
}

void run_infer(const InferOptions& opt) {
    // Folders and globs become their sorted files here, so --save is checked against each.
    const std::vector<std::string> files = expand_image_inputs(opt.inputs);
    std::vector<CommandInput> inputs = {{"the checkpoint", "--ckpt", opt.ckpt}};
    for (const std::string& image : files) inputs.push_back({"an input image", "--input", image});
    refuse_save_over(opt, inputs);  // as given, before the lookup; then the file it found
    const std::string ckpt = resolve_ckpt_flag(opt.ckpt, opt.run);
    inputs[0].path = ckpt;
    refuse_save_over(opt, inputs);
    LoadedModel m = load_model_from_ckpt(ckpt);
    const InputSpec& spec = m.config.input;
    InferOutput out;
    if (!files.empty()) {
        m.net->reserve(std::min(kInferBatch, files.size()));
        // Decoded a batch at a time: memory stays that of one batch however many files there are.
        for (std::size_t begin = 0; begin < files.size(); begin += kInferBatch) {
            const std::vector<std::string> batch(files.begin() + static_cast<long>(begin),
                                                 files.begin() + static_cast<long>(std::min(files.size(), begin + kInferBatch)));
            classify(m, load_file_samples(batch, spec, opt.invert, opt.show || !opt.save.empty()), opt, out);
        }
    } else {
        const MnistFiles mnist = locate_mnist_for(opt.data_dir, m);
        if (mnist.is_image_folder()) refuse_save_inside(opt, mnist.image_root);
        else refuse_save_over(opt, {{"an MNIST file", "--data", mnist.test_images},
                                    {"an MNIST file", "--data", mnist.test_labels}});
        const LoadedSplit split = load_split_for(mnist, "test", m);
        std::vector<InferSample> samples = pick_test_samples(split.data, spec, opt.indices, opt.count, opt.seed);
        // An image folder's test image is named by its file: "digits/test/3/3-0007.png (truth 3)".
        for (InferSample& s : samples)
            if (s.index < split.files.size()) s.name = split.files[s.index];
        m.net->reserve(std::min(kInferBatch, samples.size()));
        classify(m, samples, opt, out);
    }

    if (opt.show) std::cout << render_terminal_grid(out.tiles, stdout_wants_colour(), terminal_columns(STDOUT_FILENO));
    std::cout << out.lines << std::flush;
    if (!opt.save.empty()) {
        const Canvas grid = render_png_grid(out.tiles);
        write_png_rgb(opt.save, grid.width, grid.height, grid.rgb);
        std::cerr << "trainctl: saved " << opt.save << " (" << grid.width << "x" << grid.height << ")\n";
    }
}

}  // namespace

void setup_infer(CLI::App& app) {
    auto opt = std::make_shared<InferOptions>();
    CLI::App* sub = app.add_subcommand(
        "infer", "Classify MNIST test images or your own PNG/PGM files (or folders, globs) with a checkpoint");
    sub->add_option("--ckpt", opt->ckpt, kCkptFlagHelp)->required();
    sub->add_option("--run", opt->run, kRunFlagHelp);
    sub->add_option("--data", opt->data_dir, kDataFlagHelp);
    auto* input = sub->add_option("--input", opt->inputs,
                                  "your own images (PNG or PGM, any size) instead of MNIST: files, a folder (its *.png and "
                                  "*.pgm) or a quoted glob ('digits/*.png'); folders and globs in sorted order");
    auto* index = sub->add_option("--index", opt->indices, "test images by position, e.g. 0,7,42")->delimiter(',');
    sub->add_option("--count", opt->count, "random test images to pick")->check(CLI::Range(1, 64))
        ->capture_default_str()->excludes(index)->excludes(input);
    sub->add_option("--seed", opt->seed, "seed of the random pick")->capture_default_str()->excludes(input);
    index->excludes(input);
    sub->add_flag("--invert", opt->invert, "for dark digits on light paper (with --input)")->needs(input);
    auto* show = sub->add_flag("--show", opt->show, "draw the images in the terminal with their predictions");
    sub->add_flag("--json", opt->json, "print one JSON object per image")->excludes(show);
    sub->add_option("--save", opt->save, "also write the grid as a PNG file");
    sub->callback([opt] { run_infer(*opt); });
}

}  // namespace trainctl
