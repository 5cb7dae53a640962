#!/usr/bin/env bash
# Bad MNIST folders for train and eval: missing files, wrong magic, truncated, disagreeing
# counts, bad labels, corrupt .gz, huge sparse files, wrong dims. One line naming the file and
# the problem, exit 1 (2 for a --data folder that is not there), and no file written.
source "$(dirname "$0")/lib.sh"

# The sound set (in $SCRATCH, outside the snapshots) and every damaged folder in one go, so
# Python starts once: dN for train, eN for eval. A checkpoint trained on the sound set for eval.
small_mnist "$SCRATCH/good" d1=missing-labels d2=bad-magic-images d3=bad-magic-labels d4=truncated-header \
  d5=truncated-images d6=trailing-labels d7=count-mismatch d8=label-12 d9=zero-dim d10=huge-dims \
  d11=huge-count d12=test-32x32 d13=gz-corrupt d14=gz-truncated d15=gz-not-gzip d16=gz-huge-count \
  d20=gz-trailing-garbage   e1=test-label-12 e2=test-truncated e3=label-12 d17 d18 d19
"$TRAINCTL" train --data "$SCRATCH/good" --out "$SCRATCH/run" --epochs 1 --batch-size 20 --threads 1 -q \
  > /dev/null 2> "$SCRATCH/train.err" || fail "training on the sound set failed: $(cat "$SCRATCH/train.err")"
CK=$SCRATCH/run/lenet-1_3.ckpt

train() { expect_rejected "$1" "$2" -- train --data "$3" --epochs 1 --batch-size 20 --threads 1 --out run; }

expect_rejected 2 "--data nowhere: no MNIST data: no such folder; run scripts/get-mnist.sh" -- train --data nowhere
printf 'x' > a-file
train 2 "--data a-file: no MNIST data: no such folder" a-file
train 2 "--data d1: no MNIST data: missing d1/train-labels-idx1-ubyte[.gz]" d1
train 1 "d2/train-images-idx3-ubyte: bad magic: expected 0x00000803 (IDX images: uint8, 3 dims), found 0x00000804" d2
train 1 "d3/train-labels-idx1-ubyte: bad magic: expected 0x00000801 (IDX labels: uint8, 1 dim), found 0x00000803" d3
train 1 "d4/train-images-idx3-ubyte: truncated header: expected a 4-byte dimension, found 2 bytes" d4
train 1 "d5/train-images-idx3-ubyte: truncated: expected 60 images of 28x28 (47040 bytes), found 46940 bytes" d5
train 1 "d6/train-labels-idx1-ubyte: trailing data: expected 60 labels (60 bytes), found 61 bytes" d6
train 1 "d7/train-labels-idx1-ubyte: expected 60 labels (as many as images in d7/train-images-idx3-ubyte), found 59" d7
train 1 "d8/train-labels-idx1-ubyte: labels go up to 12 but no image has label 10, 11 (labels should count 0, 1, 2, ...); pass --num-classes 13 to train with the empty classes anyway" d8
train 1 "d9/train-images-idx3-ubyte: bad header: expected dimensions > 0, found 0" d9
train 1 "d10/train-images-idx3-ubyte: bad header: expected images at most 4096 pixels a side, found 5000x5000" d10
RSS_LIMIT=200000 train 1 "d11/train-images-idx3-ubyte: truncated: expected 1000000000 images of 28x28 (784000000000 bytes), found 47040 bytes" d11
train 1 "d12/t10k-images-idx3-ubyte: images are 32x32, expected 28x28 like d12/train-images-idx3-ubyte" d12
train 1 "d13/train-images-idx3-ubyte.gz: corrupt gzip stream: invalid" d13
train 1 "d14/train-images-idx3-ubyte.gz: corrupt gzip stream: truncated" d14
train 1 "d15/train-images-idx3-ubyte.gz: corrupt gzip stream: unknown compression method" d15
RSS_LIMIT=200000 train 1 "d16/train-images-idx3-ubyte.gz: bad header: claims 78400000000 bytes of payload, more than a" d16
RSS_LIMIT=200000 train 1 "d20/train-images-idx3-ubyte.gz: trailing data: 24 bytes after the end of the gzip stream" d20

# 1 GB sparse files: rejected at once, without reading or allocating them.
rm d17/train-images-idx3-ubyte && truncate -s 1G d17/train-images-idx3-ubyte
RSS_LIMIT=200000 train 1 "d17/train-images-idx3-ubyte: bad magic: expected 0x00000803 (IDX images: uint8, 3 dims), found 0x00000000" d17
truncate -s 1G d18/train-labels-idx1-ubyte  # sound header, then zeros
RSS_LIMIT=200000 train 1 "d18/train-labels-idx1-ubyte: trailing data: expected 60 labels (60 bytes), found 1073741816 bytes" d18
rm d19/t10k-images-idx3-ubyte && truncate -s 1G d19/t10k-images-idx3-ubyte.gz
RSS_LIMIT=200000 train 1 "d19/t10k-images-idx3-ubyte.gz: bad magic: expected 0x00000803 (IDX images: uint8, 3 dims), found 0x00000000" d19

# eval reads the test split only.
ev() { expect_rejected "$1" "$2" -- eval --ckpt "$CK" --data "$3"; }
ev 1 "e1/t10k-labels-idx1-ubyte: label 12 of image 3 is out of range for the checkpoint's 10 classes (0-9)" e1
ev 1 "e2/t10k-images-idx3-ubyte: truncated: expected 20 images of 28x28 (15680 bytes), found 15679 bytes" e2
ev 2 "--data nowhere: no MNIST data: no such folder" nowhere
expect_rejected 1 "e3/train-labels-idx1-ubyte: label 12 of image 17 is out of range for the checkpoint's 10 classes (0-9)" -- eval --ckpt "$CK" --data e3 --split train
# A test label the training labels do not reach, and --num-classes below the labels.
train 1 "e1/t10k-labels-idx1-ubyte: label 12 of image 3 is out of range for the training labels' 10 classes (0-9)" e1
expect_rejected 1 "d8/train-labels-idx1-ubyte: label 12 of image 17 is out of range for --num-classes 12: 12 classes (0-11)" -- train --data d8 --num-classes 12 --out never

finish
