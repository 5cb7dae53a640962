// The steps every run mode takes before its training loop: data, directory and lock, net, optimizer.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cmd/run/run_dir.hpp"
#include "cmd/run/run_lock.hpp"
#include "core/config.hpp"
#include "core/data/mnist.hpp"
#include "core/optimizer.hpp"
#include "core/sequential.hpp"
#include "core/train_state.hpp"

namespace trainctl {

struct CkptSource;  // cmd/run/ckpt_source.hpp

// Sets the run's threads and finds its MNIST files: before any directory is made. Under mpirun
// the batch must split evenly over the ranks, and the default threads share the host's cores.
MnistFiles set_threads_and_find_data(const RunConfig& config);

// Makes config.out (what it made goes in `created`) and locks a new run there under
// config.prefix or its _N: a read-only directory or a live run fails here, before data is read.
// Under mpirun only rank 0 does (the others return nothing and write nothing).
std::optional<RunLock> make_and_lock_new_run(const RunConfig& config, CreatedDirs& created);

// The training and test sets as the run uses them; with a val_split, `val` holds the images
// taken out of `train` (its count is 0 without).
struct RunData {
    MnistFiles files;
    LabeledImages train, test, val;
    bool has_test = true;  // false: one image tree (`test` is empty), scored only on `val` if any
    std::size_t used = 0;  // training images the run trains on (train_limit, less the validation images)
    std::uint64_t steps_per_epoch = 0;
    std::size_t num_classes = 0;           // what the net's last layer gives
    std::vector<std::string> class_names;  // the set's (image folder, Fashion-MNIST), else empty
    std::size_t skipped_bad = 0;           // image folders: files left out (--skip-bad-images)
    std::vector<std::string> messages;     // loading's warnings and notes, "warning: ..." / "note: ..."
};
// Loads both sets, counts the classes and holds out the validation images of the first
// train_limit (--val-split). The classes: config.net.num_classes, else from the data (see
// count_classes in cmd/run/data_split.hpp). A resumed run passes its checkpoint's class names
// (`stored_names`, empty for a set without names): an image folder is labelled by them and the
// class count is the stored one. Error when image sizes differ or a label does not fit, usage
// error when the batch is larger than the training images (drop_remainder on).
RunData load_run_data(const RunConfig& config, const MnistFiles& files,
                      const std::vector<std::string>* stored_names = nullptr);
// The config with what the data decided: the class count and names the net and checkpoints carry.
RunConfig with_data_classes(const RunConfig& config, const RunData& data);

struct RunModel {
    std::unique_ptr<Sequential> net;
    std::unique_ptr<Optimizer> optimizer;
};
// The net, initialized from the config's seed (a restore then replaces what it loads), and its
// fresh optimizer.
RunModel init_model(const RunConfig& config);

// A new run (or fine-tune) starts at step 0 with the config's seed.
TrainState new_run_state(const RunConfig& config);

// Another net's checkpoint is named as such, not as a list of every tensor that differs;
// `hint` ends the message (fine-tuning suggests --skip-mismatch).
void check_same_net(const CkptSource& source, const std::string& net_type, const std::string& hint);

}  // namespace trainctl
