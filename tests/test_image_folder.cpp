// Image folders (core/data/image_folder, cmd/run/data_split) over PGM trees written here, and the
// class count a run takes from its labels.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "cmd/run/data_split.hpp"
#include "core/data/image_folder.hpp"
#include "core/error.hpp"
#include "tests/temp_dir.hpp"

using namespace trainctl;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

// A w x h P5 PGM whose every pixel is `value`.
void write_folder_pgm(const std::filesystem::path& path, std::size_t w, std::size_t h, std::uint8_t value) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream f(path, std::ios::binary);
    f << "P5\n" << w << " " << h << "\n255\n" << std::string(w * h, static_cast<char>(value));
}

LoadedSplit labels_split(std::vector<std::uint8_t> labels, const std::string& from) {
    LoadedSplit s;
    s.data.labels = std::move(labels);
    s.data.count = s.data.labels.size();
    s.labels_from = from;
    return s;
}

}  // namespace

TEST_CASE("image folder: classes are the sorted folder names, files in byte order within each", "[data]") {
    testing::TempDir tmp("imgfolder");
    const auto train = tmp.path / "train";
    // Written out of order; "B" sorts before "a" in byte order, as torchvision's sorted().
    write_folder_pgm(train / "a" / "2.pgm", 4, 4, 20);
    write_folder_pgm(train / "a" / "10.pgm", 4, 4, 10);
    write_folder_pgm(train / "B" / "x.PGM", 4, 4, 30);
    std::filesystem::create_directories(train / ".hidden");
    std::ofstream(train / "a" / "notes.txt") << "not an image";
    std::ofstream(train / "a" / ".DS_Store") << "mac";
    const auto classes = image_folder_classes(train.string());
    REQUIRE(classes == std::vector<std::string>{"B", "a"});
    const ImageFolderSplit s = load_image_folder_split(train.string(), classes, {32, false});
    REQUIRE(s.data.count == 3);
    CHECK(s.data.rows == 4);  // one size, no larger than the input: kept as it is
    CHECK(s.data.labels == std::vector<std::uint8_t>{0, 1, 1});
    CHECK(s.data.image(0)[0] == 30);
    CHECK(s.data.image(1)[0] == 10);  // "10.pgm" before "2.pgm"
    CHECK(s.data.image(2)[0] == 20);
    CHECK(s.per_class == std::vector<std::size_t>{1, 2});
    REQUIRE(s.not_images.size() == 1);  // the hidden file is not counted, notes.txt is
    CHECK_THAT(s.not_images[0], Contains("notes.txt"));
    // The count summary takes without decoding: the same labels, by file name alone.
    std::ofstream(train / "a" / "3.png") << "not a PNG";
    CHECK(image_folder_labels(train.string()) == std::vector<std::uint8_t>{0, 1, 1, 1});
}

TEST_CASE("image folder: mixed sizes are all resized to the input size, a uniform size is kept", "[data]") {
    testing::TempDir tmp("imgfolder");
    write_folder_pgm(tmp.path / "c0" / "a.pgm", 28, 28, 200);
    write_folder_pgm(tmp.path / "c1" / "b.pgm", 20, 10, 100);
    const ImageFolderSplit s = load_image_folder_split(tmp.path.string(), {"c0", "c1"}, {16, false});
    CHECK(s.sizes == 2);
    CHECK(s.data.rows == 16);
    CHECK(s.data.cols == 16);
    CHECK(s.data.image(0)[0] == 200);  // a flat image stays flat through the bilinear resize
    CHECK(s.data.image(1)[16 * 16 - 1] == 100);
    LabeledImages set = s.data;
    resize_images(set, 8);
    CHECK(set.rows == 8);
    CHECK(set.images.size() == 2 * 64);
}

TEST_CASE("image folder: every bad case is one error naming the file or folder", "[data]") {
    testing::TempDir tmp("imgfolder");
    const auto dir = tmp.path.string();
    REQUIRE_THROWS_WITH(image_folder_classes(dir), StartsWith(dir + ": no class folders"));
    write_folder_pgm(tmp.path / "cat" / "1.pgm", 4, 4, 1);
    std::ofstream(tmp.path / "cat" / "2.png") << "not a png at all";
    REQUIRE_THROWS_WITH(load_image_folder_split(dir, {"cat"}, {32, false}),
                        StartsWith(dir + "/cat/2.png: not an image"));
    const ImageFolderSplit skipped = load_image_folder_split(dir, {"cat"}, {32, true});
    CHECK(skipped.data.count == 1);
    CHECK(skipped.skipped_bad == 1);
    CHECK_THAT(skipped.first_bad, Contains("2.png"));
    // A class the training split does not have.
    write_folder_pgm(tmp.path / "dog" / "1.pgm", 4, 4, 1);
    REQUIRE_THROWS_WITH(load_image_folder_split(dir, {"cat"}, {32, true}),
                        StartsWith(dir + "/dog: class \"dog\" is not one of the 1 training classes"));
}

TEST_CASE("image folder splits: an empty training class is an error, an empty test class a note", "[data]") {
    testing::TempDir tmp("imgfolder");
    write_folder_pgm(tmp.path / "train" / "a" / "1.pgm", 4, 4, 1);
    std::filesystem::create_directories(tmp.path / "train" / "b");
    write_folder_pgm(tmp.path / "test" / "a" / "1.pgm", 4, 4, 1);
    MnistFiles files;
    files.dir = files.image_root = tmp.path.string();
    std::vector<std::string> classes;
    REQUIRE_THROWS_WITH(load_split(files, "train", classes, {}),
                        StartsWith(tmp.path.string() + "/train/b: no readable .png or .pgm images"));
    write_folder_pgm(tmp.path / "train" / "b" / "1.pgm", 4, 4, 1);
    classes.clear();
    const LoadedSplit train = load_split(files, "train", classes, {});
    CHECK(classes == std::vector<std::string>{"a", "b"});
    const LoadedSplit test = load_split(files, "test", classes, {});
    REQUIRE(test.notes.size() == 1);
    CHECK_THAT(test.notes[0], Contains("has no images of 1 class (b)"));
    CHECK(count_classes(0, "--num-classes", classes, train, test) == 2);
}

TEST_CASE("count_classes: from the labels, --num-classes, gaps and test labels out of range", "[data]") {
    const LoadedSplit train = labels_split({0, 1, 2, 2}, "train-labels");
    const LoadedSplit test = labels_split({0, 2}, "test-labels");
    CHECK(count_classes(0, "--num-classes", {}, train, test) == 3);
    CHECK(count_classes(5, "--num-classes", {}, train, test) == 5);
    REQUIRE_THROWS_WITH(count_classes(2, "--num-classes", {}, train, test),
                        "train-labels: label 2 of image 2 is out of range for --num-classes 2: 2 classes (0-1)");
    // Labels counting from 1 (EMNIST letters): class 0 has no image.
    REQUIRE_THROWS_WITH(count_classes(0, "--num-classes", {}, labels_split({1, 2, 3}, "l"), test),
                        "l: labels go up to 3 but no image has label 0 (labels should count 0, 1, 2, ...); "
                        "pass --num-classes 4 to train with the empty classes anyway");
    REQUIRE_THROWS_WITH(count_classes(0, "--num-classes", {}, train, labels_split({0, 7}, "t")),
                        "t: label 7 of image 1 is out of range for the training labels' 3 classes (0-2)");
    REQUIRE_THROWS_WITH(count_classes(0, "--num-classes", {}, labels_split({4, 4}, "one"), test),
                        Contains("labels go up to 4 but no image has label 0, 1, 2 and 1 more"));
    REQUIRE_THROWS_WITH(count_classes(1, "--num-classes", {}, train, test), Contains("1 class, expected at least 2"));
    const std::vector<std::string> names = {"x", "y", "z"};
    REQUIRE_THROWS_WITH(count_classes(4, "--num-classes", names, train, test), Contains("has 3 named classes"));
}
