// Help texts of the config keys' flags, in the command line's layer (core/ knows no flags).
#include "cmd/config_help.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace trainctl {

namespace {

const ConfigHelp kHelp[] = {
    {"net", "network"},
    {"fc_relu", "lenet5: ReLU between the fc layers (true|false)"},
    {"conv2_relu", "lenet5: ReLU after conv2 (true|false; false: the Paddle tutorial's net)"},
    {"conv_padding", "lenet5: padding of conv1 (Paddle's variant: 2 on 28x28)"},
    {"conv_bias", "lenet5: conv layers have a bias (true|false)"},
    {"hidden", "mlp: hidden layer sizes, e.g. 512,512 (64: one layer)"},
    {"num_classes", "classes the net tells apart (0 = from the data: its class folders, or the largest training label + 1)"},
    {"init", "weight init"},
    {"init_sigma", "sigma of the normal init"},
    {"input.size", "input side in pixels (28 = no resize, 32 = LeNet5)"},
    {"input.mean", "normalisation mean (of pixel/255)"},
    {"input.std", "normalisation std (of pixel/255)"},
    {"optimizer", "optimizer"},
    {"lr", "learning rate"},
    {"momentum", "momentum factor"},
    {"nesterov", "Nesterov momentum (true|false)"},
    {"weight_decay", "L2 weight decay"},
    {"beta1", "adam beta1"},
    {"beta2", "adam beta2"},
    {"eps", "adam epsilon"},
    {"lr_schedule", "learning rate schedule"},
    {"lr_step_epochs", "step schedule: epochs between drops"},
    {"lr_gamma", "step schedule: factor per drop"},
    {"lr_min", "cosine schedule: final learning rate"},
    {"epochs", "number of epochs"},
    {"batch_size", "images per step"},
    {"drop_remainder", "drop the last incomplete batch (true|false)"},
    {"seed", "run seed: init and data order"},
    {"threads", "BLAS and engine threads (0 = all cores)"},
    {"data", "IDX folder (flat, or train/ + test/; MNIST, Fashion-MNIST, any IDX set), its parent holding mnist/ "
             "(or fashion-mnist/), or an image folder DIR/train/<class>/*.png + DIR/test/<class>/, or one tree DIR/<class>/*.png "
             "(no test set: hold out images with --val-split; docs/data.md)"},
    {"dataset", "which set the default lookup finds, and its class names"},
    {"skip_bad_images", "image folders: leave out files that do not decode, counted (true|false; false: stop at the first)"},
    {"out", "directory for checkpoints", nullptr,
     "another directory: continue as a new run there, the source left as it is"},
    {"prefix", "checkpoint file prefix", nullptr, "another prefix: continue as a new run under it"},
    {"log_every", "log the loss every N steps, printed and in DIR/PREFIX-metrics.csv (0 = printed once per epoch, logged every 50 steps)"},
    {"train_limit", "use only the first N training images (0 = all; of an image folder, N taken from the classes in turn)"},
    {"val_split", "hold out this share of the training images (stratified by class, drawn from the seed) as a validation set scored after every epoch; the test set is then scored at the end", "FLOAT|off"},
    {"eval", "evaluate on the test set after each epoch (with --val-split: after the last) (true|false; false: never, trainctl eval scores a checkpoint later)"},
    // A count, or the word "epoch".
    {"ckpt_steps", "save every N steps (\"epoch\" = once per epoch, 0 = off)", "INT|epoch"},
    {"ckpt_seconds", "save every S seconds of training steps (0 = off): the clock the checkpoints store, which a resume continues and evaluation, saving and pauses do not advance (MindSpore counts wall time)"},
    {"keep_max", "keep the newest N checkpoints (0 = all)"},
    {"keep_per_minutes", "keep one checkpoint per M minutes of training steps (the --ckpt-seconds clock)"},
    {"keep_best", "also keep the K best checkpoints by --monitor"},
    {"monitor", "metric for --keep-best and --early-stop (acc, loss: the validation set's with --val-split, else the test set's); default loss with --early-stop, else acc"},
    {"async_save", "write checkpoints from a background thread (true|false)"},
    {"early_stop", "end the run once --monitor has not improved for this many epochs (a final checkpoint, exit 0)", "INT|off"},
    {"min_delta", "early stopping: the least change of --monitor that counts as an improvement"},
};

}  // namespace

const ConfigHelp& config_help(const std::string& key) {
    const auto it = std::find_if(std::begin(kHelp), std::end(kHelp), [&](const ConfigHelp& h) { return key == h.key; });
    if (it == std::end(kHelp)) throw std::logic_error("no help for config key " + key);
    return *it;
}

}  // namespace trainctl
