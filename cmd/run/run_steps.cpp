// The steps before the training loop: data, directory and lock, net and optimizer.
#include "cmd/run/run_steps.hpp"

#include <algorithm>
#include <thread>
#include <nlohmann/json.hpp>

#include "cmd/run/ckpt_source.hpp"
#include "cmd/run/data_lookup.hpp"
#include "cmd/run/data_split.hpp"
#include "core/data/image_folder.hpp"
#include "cmd/run/mpi_world.hpp"
#include "core/data/val_split.hpp"
#include "core/error.hpp"
#include "core/gemm.hpp"
#include "core/optimizer.hpp"
#include "core/trainer.hpp"
#include "nets/nets.hpp"

namespace trainctl {

MnistFiles set_threads_and_find_data(const RunConfig& config) {
    const auto ranks = static_cast<std::size_t>(mpi_size());
    if (config.batch_size % ranks != 0)
        throw usage_error("batch_size: " + std::to_string(config.batch_size) + " is not divisible by the " +
                          std::to_string(ranks) + " ranks of this mpirun job (each takes an equal slice of the global batch)");
    int threads = config.threads;
    if (threads <= 0 && mpi_local_size() > 1)  // the host's cores shared among its ranks
        threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / mpi_local_size());
    set_num_threads(threads);
    MnistFiles files = locate_mnist(config.data, "", config.dataset);
    // One tree without --val-split scores nothing: what watches a score has nothing to watch.
    const bool watched = config.ckpt.keep_best > 0 || config.early_stop.patience > 0;
    if (!files.has_test_set() && config.val_split <= 0 && watched)
        throw usage_error(std::string(config.early_stop.patience ? "--early-stop" : "--keep-best") + ": " + files.dir +
                          " is one image tree (no test/), so without --val-split nothing is scored to watch; hold "
                          "out a validation set with --val-split F (e.g. 0.2)");
    return files;
}

std::optional<RunLock> make_and_lock_new_run(const RunConfig& config, CreatedDirs& created) {
    if (!mpi_writer()) return std::nullopt;  // rank 0 alone writes (and locks) under mpirun
    make_dirs(config.out, created);
    return lock_new_run(config.out, config.prefix);
}

RunData load_run_data(const RunConfig& config, const MnistFiles& files, const std::vector<std::string>* stored_names) {
    RunData data;
    data.files = files;
    // Packed: a step unpacks its 32 images in microseconds, and the run holds 14 MB of images, not 55.
    const SplitOptions opt{config.input.size, config.skip_bad_images, /*pack=*/true};
    std::vector<std::string> classes = files.is_image_folder() && stored_names
                                           ? folder_classes_for(*stored_names, net_classes(config.net))
                                           : std::vector<std::string>{};
    LoadedSplit train = load_split(files, "train", classes, opt);
    // One tree has no test set: an empty one, which the trainer is not given.
    LoadedSplit test = files.has_test_set() ? load_split(files, "test", classes, opt) : LoadedSplit{};
    const bool same_size = !files.has_test_set() || (test.data.rows == train.data.rows && test.data.cols == train.data.cols);
    if (files.is_image_folder()) {
        // The trainer batches both sets with one resize table: one image size for both.
        if (!same_size) {
            resize_images(train.data, config.input.size);
            resize_images(test.data, config.input.size);
        }
        data.class_names = classes;
    } else {
        data.class_names = files.class_names;
    }
    // A resumed run keeps its count (0 only in checkpoints from before counts were stored).
    const std::string origin = stored_names ? "the checkpoint's num_classes" : "--num-classes";
    data.num_classes = count_classes(config.net.num_classes, origin, data.class_names, train, test);
    data.skipped_bad = train.skipped_bad + test.skipped_bad;
    for (LoadedSplit* s : {&train, &test}) {
        data.messages.insert(data.messages.end(), s->warnings.begin(), s->warnings.end());
        data.messages.insert(data.messages.end(), s->notes.begin(), s->notes.end());
    }
    data.has_test = files.has_test_set();
    data.train = std::move(train.data);
    data.test = std::move(test.data);
    const LabeledImages& tr = data.train;
    const LabeledImages& te = data.test;
    if (data.has_test && (te.rows != tr.rows || te.cols != tr.cols))  // the Trainer scales both by the train size
        throw Error(files.test_images + ": images are " + std::to_string(te.rows) + "x" + std::to_string(te.cols) +
                    ", expected " + std::to_string(tr.rows) + "x" + std::to_string(tr.cols) + " like " +
                    files.train_images);
    data.used = config.train_limit ? std::min(config.train_limit, tr.count) : tr.count;
    if (files.is_image_folder() && data.used < tr.count) {
        // A folder is listed class by class: its first train_limit would be the first classes alone.
        LabeledImages limited = select_images(tr, take_classes_in_turn(tr.labels, data.used));
        data.train = std::move(limited);
    }
    if (config.val_split > 0) {
        // Of the images train_limit leaves, as Keras' validation_split is of the x it is given.
        const ValSplit split = split_for_validation(tr.labels, data.used, config.val_split, config.seed);
        data.val = select_images(tr, split.held_out);
        LabeledImages kept = select_images(tr, split.kept);
        data.train = std::move(kept);
        data.used = data.train.count;
    }
    data.steps_per_epoch = Trainer::steps_per_epoch(config, data.train.count);
    if (data.steps_per_epoch == 0)
        throw usage_error("batch_size: " + std::to_string(config.batch_size) + " is larger than the " +
                          std::to_string(data.used) + " training images (drop_remainder is on)");
    return data;
}

RunConfig with_data_classes(const RunConfig& config, const RunData& data) {
    RunConfig c = config;
    c.net.num_classes = data.num_classes;
    c.net.class_names = data.class_names;
    return c;
}

RunModel init_model(const RunConfig& config) {
    RunModel model;
    model.net = build_net(config.net, config.input);
    InitSpec init;
    init.kind = config.init;
    init.sigma = config.init_sigma;
    model.net->init_params(config.seed, init);
    model.optimizer = make_optimizer(config.optimizer, model.net->params().total());
    return model;
}

TrainState new_run_state(const RunConfig& config) {
    TrainState state;
    state.seed = config.seed;
    return state;
}

void check_same_net(const CkptSource& source, const std::string& net_type, const std::string& hint) {
    const nlohmann::json& model = source.stored.model;
    if (!model.is_object() || !model.contains("spec") || !model["spec"].is_object()) return;
    const nlohmann::json net = model["spec"].value("net", nlohmann::json());
    if (!net.is_string() || net.get<std::string>() == net_type) return;
    throw Error(source.reader.path() + ": holds net \"" + net.get<std::string>() + "\", the run builds net \"" +
                net_type + "\"" + hint);
}

}  // namespace trainctl
