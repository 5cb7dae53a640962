// torchvision's ImageFolder layout, one split: SPLIT/<class>/*.png|*.pgm, a folder per class,
// decoded to grey uint8 in memory (core/data/image_read.hpp), labelled by class folder.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/data/idx.hpp"

namespace trainctl {

// A file infer and the folder reader take as an image: *.png or *.pgm in any case, not hidden
// (.DS_Store, macOS's ._x.png). The content is judged when it is read.
bool is_image_file_name(const std::string& name);

// The class folders of `split_dir` (its subfolders, hidden ones aside), sorted by byte order:
// label i is the i-th name, as torchvision's ImageFolder. Error when it has none or more
// than 256 (labels are uint8).
std::vector<std::string> image_folder_classes(const std::string& split_dir);

// The labels load_image_folder_split would give `split_dir`'s images, in its order, judged by
// file name alone (nothing decoded: a file that would not decode counts): for a quick count.
std::vector<std::uint8_t> image_folder_labels(const std::string& split_dir);

struct ImageFolderOptions {
    std::size_t size = 32;  // the net's input side: what images that cannot stay as they are become
    bool skip_bad = false;  // leave out files that do not decode (counted) instead of failing
};

struct ImageFolderSplit {
    LabeledImages data;                    // unpacked, in class order, each class's files sorted
    std::vector<std::string> files;        // image i's file
    std::vector<std::size_t> per_class;    // images of each class of `classes`
    std::size_t skipped_bad = 0;           // with skip_bad: files that did not decode
    std::string first_bad;                 // the first one's error
    std::vector<std::string> not_images;   // files left out for their name (not .png/.pgm)
    std::size_t sizes = 1;                 // distinct image sizes found; > 1: all were resized to size
};

// Reads every class folder of `split_dir` and labels its images by the folder's index in
// `classes` (the training split's folder names). Images keep their size when all of the split
// share one no larger than size x size; otherwise each is resized to size x size as it loads,
// with the bilinear resize `infer --input` applies (BatchMaker), rounded to 8 bits. Errors name
// the file or folder: a file that does not decode (unless skip_bad), a class folder that is not
// in `classes`, a split with no image at all. Empty class folders are counted (per_class 0),
// the caller decides what they mean.
ImageFolderSplit load_image_folder_split(const std::string& split_dir, const std::vector<std::string>& classes,
                                         const ImageFolderOptions& opt);

// Resizes every image of an unpacked set to size x size (no-op when it already is), as above.
void resize_images(LabeledImages& set, std::size_t size);

}  // namespace trainctl
