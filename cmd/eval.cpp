// `trainctl eval`: score a checkpoint on an MNIST split: loss, accuracy, per-class metrics and
// the confusion matrix. The net and its input transform come from the checkpoint alone.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "cmd/commands.hpp"
#include "cmd/run/data_lookup.hpp"
#include "cmd/run/grad_reduce_mpi.hpp"
#include "cmd/run/model_from_ckpt.hpp"
#include "cmd/run/mpi_world.hpp"
#include "core/error.hpp"
#include "core/evaluate.hpp"
#include "core/gemm.hpp"
#include "core/memory.hpp"
#include "core/metrics.hpp"

namespace trainctl {

struct EvalOptions {
    std::string ckpt, run, data_dir;
    std::string split = "test";
    std::optional<std::size_t> batch_size;  // default: the run's, so results match training's
    std::optional<int> threads;             // default: the run's
    std::optional<double> min_acc;
    bool json = false;
};

namespace {

std::string fixed(double v, int digits = 4) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// Padded to `width` on the left, so columns line up.
std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// `split` "all": a one-tree image folder, scored whole (`scored` says what that is).
void print_text(const LoadedModel& m, const std::string& split, const std::string& scored, const EvalResult& r,
                const ClassReport& report) {
    const TrainState& st = m.stored.state;
    const std::vector<std::string>& names = m.config.net.class_names;
    const std::size_t classes = r.confusion.classes;
    std::cout << m.path << " (" << m.config.net.type;  // no "checkpoint " before it: 80 columns
    if (m.inference_export) std::cout << ", inference export";
    else std::cout << ", epoch " << st.epoch_1based() << ", step " << st.step_1based();
    if (split == "all") std::cout << ") on all " << r.count << " images of " << scored << "\n";
    else std::cout << ") on " << r.count << " " << split << " images\n";
    // The training log's format, so the two lines can be compared by eye or by grep.
    std::cout << "Metrics: {\"acc\": " << fixed(r.acc) << ", \"loss\": " << fixed(r.loss) << "}\n\n";
    std::size_t name_w = 5;  // "class", "macro"
    for (std::size_t c = 0; c < classes; ++c) name_w = std::max(name_w, class_label(names, c).size());
    std::cout << pad("class", name_w) << "  precision  recall      f1  support\n";
    auto row = [name_w](const std::string& name, const ClassMetrics& c) {
        std::cout << pad(name, name_w) << pad(fixed(c.precision), 11) << pad(fixed(c.recall), 8) << pad(fixed(c.f1), 8)
                  << pad(std::to_string(c.support), 9) << "\n";
    };
    for (std::size_t c = 0; c < classes; ++c) row(class_label(names, c), report.per_class[c]);
    row("macro", report.macro);

    // Column width fits the largest count; rows are the truth, columns the prediction. Named
    // classes head the rows "N name" and the columns their number N alone, so the matrix stays narrow.
    std::uint64_t largest = 0;
    for (std::uint64_t v : r.confusion.counts) largest = std::max(largest, v);
    const std::size_t w = std::max<std::size_t>(std::max(std::to_string(largest).size(), std::to_string(classes - 1).size()), 1) + 1;
    // A folder named by its number ("7") is not named twice.
    auto row_label = [&](std::size_t c) {
        return names.empty() || names[c] == std::to_string(c) ? std::to_string(c) : std::to_string(c) + " " + names[c];
    };
    std::size_t row_w = 5;
    for (std::size_t c = 0; c < classes; ++c) row_w = std::max(row_w, row_label(c).size());
    std::cout << "\nconfusion matrix (rows: truth, columns: prediction)\n" << pad("", row_w);
    for (std::size_t c = 0; c < classes; ++c) std::cout << pad(std::to_string(c), w);
    std::cout << "\n";
    for (std::size_t t = 0; t < classes; ++t) {
        // Names read from the left; numbers line up on the right.
        const std::string label = row_label(t);
        const bool numbered = label == std::to_string(t);
        std::cout << (numbered ? pad(label, row_w) : label + std::string(row_w - label.size(), ' '));
        for (std::size_t p = 0; p < classes; ++p) std::cout << pad(std::to_string(r.confusion.at(t, p)), w);
        std::cout << "\n";
    }
}

nlohmann::json metrics_json(const ClassMetrics& c) {
    return {{"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1}, {"support", c.support}};
}

nlohmann::json result_json(const LoadedModel& m, const std::string& split, const EvalResult& r,
                           const ClassReport& report) {
    const std::vector<std::string>& names = m.config.net.class_names;
    nlohmann::json j = {{"ckpt", m.path}, {"net", m.config.net.type}, {"split", split}, {"count", r.count},
                        {"loss", r.loss}, {"acc", r.acc}};
    j["classes"] = nlohmann::json::array();
    for (std::size_t c = 0; c < r.confusion.classes; ++c) {
        nlohmann::json cj = metrics_json(report.per_class[c]);
        cj["class"] = c;
        if (!names.empty()) cj["name"] = names[c];
        j["classes"].push_back(cj);
    }
    j["macro"] = metrics_json(report.macro);
    j["confusion"] = nlohmann::json::array();
    for (std::size_t t = 0; t < r.confusion.classes; ++t) {
        const auto first = r.confusion.counts.begin() + static_cast<long>(t * r.confusion.classes);
        j["confusion"].push_back(std::vector<std::uint64_t>(first, first + static_cast<long>(r.confusion.classes)));
    }
    const TrainState& st = m.stored.state;
    j["train_metrics"] = st.has_metrics ? nlohmann::json{{"epoch", st.metrics_epoch}, {"acc", st.metrics_acc},
                                                         {"loss", st.metrics_loss}}
                                        : nlohmann::json(nullptr);
    return j;
}

void run_eval(const EvalOptions& opt) {
    if (opt.min_acc && std::isnan(*opt.min_acc))  // CLI::Range lets NaN through: no comparison fails
        throw usage_error("--min-acc must be a number in [0, 1], got nan");
    LoadedModel m = load_model_from_ckpt(resolve_ckpt_flag(opt.ckpt, opt.run));
    const RunConfig stored = parse_config(m.stored.config_json, {});
    int threads = opt.threads.value_or(stored.threads);
    if (threads <= 0 && mpi_local_size() > 1)  // under mpirun the host's cores are shared among its ranks
        threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / mpi_local_size());
    set_num_threads(threads);
    const MnistFiles files = locate_mnist_for(opt.data_dir, m);
    const LoadedSplit split = load_split_for(files, opt.split, m);
    // One tree has no test split: all of it is scored, and the output says so (it may hold the training images).
    const std::string split_name = files.has_test_set() || opt.split == "val" ? opt.split : "all";
    const std::string scored = files.dir + " (one tree, no test split: the images the run trained on count too)";
    if (mpi_writer())
        for (const std::string& line : split.warnings) std::cerr << "trainctl: " << line << "\n";
    const LabeledImages& data = split.data;
    // A batch larger than the data only reserves memory (65536 for 500 images was 8.5 GB): one
    // pass over all the images scores the same. Past half the available memory, smaller passes.
    std::size_t batch = std::min<std::size_t>(opt.batch_size.value_or(stored.batch_size), std::max<std::size_t>(data.count, 1));
    if (const std::uint64_t available = available_memory_bytes(); available > 0)
        batch = std::max<std::uint64_t>(1, std::min<std::uint64_t>(batch, available / 2 / m.net->activation_bytes_per_sample()));
    // Under mpirun each rank scores its shard of whole batches (all with the same batch size) and
    // the counts add up exactly: the same figures as one process.
    mpi_agree_setup();
    batch = static_cast<std::size_t>(mpi_min(batch));
    m.net->reserve(batch);
    Evaluator evaluator(m.config.input, data.rows, data.cols, batch, m.net->out_sample().numel());
    EvalResult r;
    if (mpi_size() == 1) {
        r = evaluator.run(*m.net, data);
    } else {
        r = evaluator.run(*m.net, data, 0, static_cast<std::size_t>(mpi_rank()), static_cast<std::size_t>(mpi_size()));
        MpiGradReduce().reduce_eval(r);
        mpi_exit_agreed();  // every rank holds the same result: --min-acc fails on all or none
    }
    const ClassReport report = class_report(r.confusion);

    if (opt.json) std::cout << result_json(m, split_name, r, report).dump() << "\n";
    else print_text(m, split_name, scored, r, report);
    if (opt.min_acc && r.acc < *opt.min_acc)
        throw Error("--min-acc: " + m.path + " scores accuracy " + fixed(r.acc) + " on " + split_name +
                    ", below the required " + fixed(*opt.min_acc));
}

}  // namespace

void setup_eval(CLI::App& app) {
    auto opt = std::make_shared<EvalOptions>();
    CLI::App* sub = app.add_subcommand("eval", "Score a checkpoint: loss, accuracy, per-class metrics, confusion matrix");
    sub->add_option("--ckpt", opt->ckpt, kCkptFlagHelp)->required();
    sub->add_option("--run", opt->run, kRunFlagHelp);
    sub->add_option("--data", opt->data_dir, kDataFlagHelp);
    sub->add_option("--split", opt->split, "which split to score: val = the images the run held out (--val-split); a one-tree image folder has no test or train split, all of it is scored")
        ->check(CLI::IsMember({"test", "train", "val"}))
        ->capture_default_str();
    sub->add_option("--batch-size", opt->batch_size, "images per forward pass (default: the run's)")
        ->check(CLI::Range(1, 65536));
    sub->add_option("--threads", opt->threads, "BLAS and engine threads, 0 = all cores (default: the run's)")
        ->check(CLI::Range(0, 256));
    sub->add_option("--min-acc", opt->min_acc, "exit 1 when accuracy is below this")->check(CLI::Range(0.0, 1.0));
    sub->add_flag("--json", opt->json, "print one JSON object on stdout");
    sub->callback([opt] { run_eval(*opt); });
}

}  // namespace trainctl
