#!/usr/bin/env bash
# Classes beyond MNIST's digits (issue 21): an image folder trains a net with as many outputs as it
# has class folders, its names travel in the checkpoint, graph.meta, eval, infer and the ONNX
# export; its bad cases fail in one line or are counted; checkpoints from before class counts load.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
MAKE="$TRAINCTL_SRC/tests/cli/make_image_folder.py"
run() { "$TRAINCTL" "$@" 2>err.txt >out.txt; }
# meta KEY FILE: a checkpoint's metadata value (JSON text).
meta() { "$PY" -c "import json,struct,sys; b=open(sys.argv[2],'rb').read(); n=struct.unpack('<Q',b[:8])[0]; print(json.loads(b[8:8+n])['__metadata__'][sys.argv[1]])" "$1" "$2"; }

# Three classes, written in no particular order; "dog" is missing from test/, one PNG is corrupt,
# a text file sits among the images.
"$PY" "$MAKE" pets --classes dog,bird,cat --train 12 --test 4 --no-test-class dog --corrupt --non-image || fail "make_image_folder.py"

expect_rejected 1 "pets/train/dog/zz-corrupt.png: bad PNG: read beyond end of data (--skip-bad-images leaves out files that do not decode)" \
  -- train --data pets --epochs 1 --batch-size 4 --threads 1 --out run
run train --data pets --epochs 1 --batch-size 4 --threads 1 --out run --prefix pets --skip-bad-images || fail "train on the folder: $(cat err.txt)"
grep -q "^trainctl: warning: pets/train: skipped 1 image that did not decode (--skip-bad-images); the first: pets/train/dog/zz-corrupt.png: bad PNG" err.txt \
  && pass || fail "no skipped-file warning: $(cat err.txt)"
grep -q "^trainctl: note: pets/train: left out 1 entry not named \*.png or \*.pgm: pets/train/dog/notes.txt$" err.txt \
  && pass || fail "no note on the text file: $(cat err.txt)"
grep -q "^trainctl: note: pets/test has no images of 1 class (dog): never scored" err.txt && pass || fail "no note on test's missing class: $(cat err.txt)"
grep -q "^trainctl: lenet5 on pets: 36 train / 8 test images (1 bad skipped), 3 classes$" err.txt \
  && pass || fail "summary line: $(cat err.txt)"
CK=run/pets-1_9.ckpt
[ "$(meta model "$CK" | "$PY" -c 'import json,sys; m=json.load(sys.stdin); print(m["class_names"], m["spec"]["num_classes"])')" = "['bird', 'cat', 'dog'] 3" ] \
  && pass || fail "checkpoint model description: $(meta model "$CK")"
"$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m["class_names"] == ["bird", "cat", "dog"]' run/pets-graph.meta \
  && pass || fail "graph.meta lacks the class names"
[ "$(meta model "$CK" | "$PY" -c 'import json,sys; m=json.load(sys.stdin); print([p["shape"] for p in m["params"] if p["name"]=="fc3.weight"][0])')" = "[3, 84]" ] \
  && pass || fail "fc3 is not 3 outputs wide"

run eval --ckpt "$CK" || fail "eval: $(cat err.txt)"
grep -Eq "^ *bird +[0-9.]+ +[0-9.]+ +[0-9.]+ +4$" out.txt && grep -Eq "^ *dog +0.0000 +0.0000 +0.0000 +0$" out.txt \
  && pass || fail "eval's per-class table: $(cat out.txt)"
grep -q "^0 bird " out.txt && grep -q "^2 dog " out.txt && pass || fail "eval's confusion matrix rows: $(cat out.txt)"
run eval --ckpt "$CK" --json && "$PY" -c 'import json,sys; j=json.load(open("out.txt")); assert [c["name"] for c in j["classes"]] == ["bird","cat","dog"]; assert len(j["confusion"]) == 3 == len(j["confusion"][0])' \
  && pass || fail "eval --json: $(cat out.txt)"

run infer --ckpt "$CK" --index 0,7 || fail "infer: $(cat err.txt)"
grep -Eq "^pets/test/bird/bird-0000.png \(truth bird\):  (bird|cat|dog) [0-9.]+  (bird|cat|dog) [0-9.]+  (bird|cat|dog) [0-9.]+$" out.txt \
  && grep -q "^pets/test/cat/cat-0003.png (truth cat):" out.txt && pass || fail "infer lines: $(cat out.txt)"
run infer --ckpt "$CK" --index 0 --json && "$PY" -c 'import json; j=json.load(open("out.txt")); assert j["truth_name"] == "bird" and j["file"] == "pets/test/bird/bird-0000.png" and j["prediction_name"] in ("bird","cat","dog") and len(j["probabilities"]) == 3' \
  && pass || fail "infer --json: $(cat out.txt)"
run infer --ckpt "$CK" --index 0 --show || fail "infer --show: $(cat err.txt)"
grep -q "prediction: [a-z]*, truth: bird" out.txt && pass || fail "infer --show title: $(cat out.txt)"
run infer --ckpt "$CK" --index 0,1 --save grid.png && [ -s grid.png ] && pass || fail "infer --save: $(cat err.txt)"
expect_rejected 2 "--save pets/test/grid.png: inside the image folder pets" -- infer --ckpt "$CK" --save pets/test/grid.png
run export --ckpt "$CK" --format onnx --out pets.onnx || fail "export: $(cat err.txt)"
"$PY" -c 'import sys; b=open("pets.onnx","rb").read(); assert b"trainctl.class_names" in b and b"[\"bird\",\"cat\",\"dog\"]" in b' \
  && pass || fail "ONNX metadata_props lack the class names"
run export --ckpt "$CK" --format safetensors --out pets.safetensors && run infer --ckpt pets.safetensors --data pets --index 7 \
  && grep -q "^pets/test/cat/cat-0003.png (truth cat):" out.txt && pass || fail "an inference export keeps the names: $(cat out.txt err.txt)"

# Resume labels the folder by the checkpoint's classes: a class folder added since is refused.
run resume --from "$CK" --epochs 2 --quiet && [ -f run/pets-2_9.ckpt ] && pass || fail "resume: $(cat err.txt)"
mkdir -p pets/train/eel && cp pets/train/cat/cat-0000.png pets/train/eel/
expect_rejected 1 'pets/train/eel: class "eel" is not one of the 3 training classes' -- resume --from run/pets-2_9.ckpt --epochs 3 --quiet
rm -r pets/train/eel

# Folder layouts that are not a training set.
mkdir -p onetree/cat && cp pets/train/cat/cat-0000.png onetree/cat/
expect_rejected 1 "onetree: one class folder (cat), expected at least 2 classes to tell apart (one folder per class)" -- train --data onetree --out run
mkdir -p onetree/test/cat && cp pets/train/cat/cat-0000.png onetree/test/cat/
expect_rejected 2 "--data onetree: image folder has test/ but no train/: expected onetree/train/<class>/ beside it, or one tree onetree/<class>/ with no test/ (docs/data.md)" -- train --data onetree --out run
mkdir -p nodata/notes && touch nodata/notes/readme.txt
expect_rejected 2 "--data nodata: no MNIST data: missing nodata/train-images-idx3-ubyte[.gz]; nodata/mnist: no such folder; run scripts/get-mnist.sh; nodata holds folders (notes) but no .png or .pgm images in them: an image folder is DIR/<class>/*.png, or DIR/train/<class>/ and DIR/test/<class>/ (docs/data.md)" -- train --data nodata --out run
mkdir -p notest/train/cat && cp pets/train/cat/cat-0000.png notest/train/cat/
expect_rejected 2 "--data notest: image folder has train/ but no test/" -- train --data notest --out run
"$PY" "$MAKE" empty --classes a,b --train 4 --test 2 --empty-class c || fail "make_image_folder.py empty"
expect_rejected 1 "empty/train/c: no readable .png or .pgm images: a class needs training images" -- train --data empty --out run
expect_rejected 2 "--num-classes 4: pets/train has 3 named classes" -- train --data pets --skip-bad-images --num-classes 4 --out run
expect_rejected 2 "--data pets: an image folder (train/<class>/), not the IDX files of --dataset fashion-mnist" \
  -- train --data pets --dataset fashion-mnist --out run

# A class folder named in UTF-8 trains, and the grids draw it as ASCII.
"$PY" "$MAKE" utf --classes café,tea --train 4 --test 2 || fail "make_image_folder.py utf"
run train --data utf --epochs 1 --batch-size 4 --threads 1 --out run --prefix utf || fail "UTF-8 class: $(cat err.txt)"
run infer --ckpt run/utf-1_2.ckpt --index 0 --show && grep -q "truth: caf??" out.txt && grep -q "(truth café)" out.txt \
  && run infer --ckpt run/utf-1_2.ckpt --index 0 --save utf.png && pass || fail "UTF-8 class names in infer: $(cat out.txt err.txt)"

# Mixed sizes (and PGM): resized to the input as they load, said once.
"$PY" "$MAKE" mixed --classes a,b --train 4 --test 2 --sizes 28,20,40 --pgm || fail "make_image_folder.py mixed"
run train --data mixed --epochs 1 --batch-size 4 --threads 1 --out run --prefix mixed || fail "mixed sizes: $(cat err.txt)"
grep -q "^trainctl: note: mixed/train: images of 3 sizes, each resized to 32x32 (the net's input) as it loaded$" err.txt \
  && pass || fail "mixed sizes note: $(cat err.txt)"

# A checkpoint from before class counts (no num_classes, no names): eval, infer and resume as ten digits.
small_mnist m
run train --data m --epochs 1 --batch-size 20 --threads 1 --out old --prefix old || fail "train on IDX: $(cat err.txt)"
"$PY" "$TRAINCTL_SRC/tests/cli/make_pre_classes_ckpt.py" old/old-1_3.ckpt old/old-1_3.ckpt || fail "make_pre_classes_ckpt.py"
meta model old/old-1_3.ckpt | grep -q num_classes && fail "the rewrite kept num_classes"
run eval --ckpt old/old-1_3.ckpt --data m && grep -q "^    9 " out.txt && pass || fail "eval of a pre-class checkpoint: $(cat out.txt err.txt)"
run infer --ckpt old/old-1_3.ckpt --data m --index 3 && grep -q "^test\[3\] (truth 3):" out.txt && pass || fail "infer of a pre-class checkpoint: $(cat err.txt)"
run resume --from old/old-1_3.ckpt --epochs 2 --data m --quiet && [ -f old/old-2_3.ckpt ] && pass || fail "resume of a pre-class checkpoint: $(cat err.txt)"

finish
