#!/usr/bin/env bash
# Fetches a data set trainctl trains on: `mnist` (scripts/get-mnist.sh) or `fashion-mnist`.
# Fashion-MNIST, first that works: the four files already in DEST or in /usr/share/datasets/fashion-mnist
# (where trainctl finds them with --dataset fashion-mnist), Debian's dataset-fashion-mnist package
# (as root or via sudo), then the canonical URL into DEST (default: data/fashion-mnist). Every file
# is MD5-checked decompressed (Debian recompresses the .gz files, so only their content is comparable).
set -euo pipefail

usage="usage: scripts/get-data.sh mnist|fashion-mnist [DEST]"
[[ $# -ge 1 && $# -le 2 && ${2:-} != -* ]] || { echo "$usage" >&2; exit 2; }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case $1 in
    mnist) shift; exec "$repo/scripts/get-mnist.sh" "$@" ;;
    fashion-mnist) ;;
    *) echo "get-data: unknown data set '$1'; $usage" >&2; exit 2 ;;
esac

dest=${2:-$repo/data/fashion-mnist}
debian=/usr/share/datasets/fashion-mnist
url=http://fashion-mnist.s3-website.eu-central-1.amazonaws.com
names=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
# MD5 of the decompressed files (the same from upstream's .gz and Debian's).
declare -A md5=(
    [train-images-idx3-ubyte]=f4a8712d7a061bf5bd6d2ca38dc4d50a
    [train-labels-idx1-ubyte]=9018921c3c673c538a1fc5bad174d6f9
    [t10k-images-idx3-ubyte]=8181f5470baa50b63fa0f6fddb340f0a
    [t10k-labels-idx1-ubyte]=15d484375f8d13e6eb1aabb0c3f46965
)

say() { echo "get-data: $*" >&2; }

source "$repo/scripts/lib-data.sh"

for dir in "$dest" "$debian"; do
    if [[ -d $dir && -z $(bad_files "$dir") ]]; then
        say "$dir already holds the four Fashion-MNIST files with the right MD5s (train with --dataset fashion-mnist)"
        exit 0
    fi
done

if command -v apt-get >/dev/null; then
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    say "installing Debian's dataset-fashion-mnist package"
    if $sudo apt-get install -y -qq --no-install-recommends dataset-fashion-mnist >/dev/null 2>&1 ||
        { $sudo apt-get update -qq >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends dataset-fashion-mnist >/dev/null 2>&1; }; then
        if [[ -z $(bad_files "$debian") ]]; then
            say "installed $debian (train with --dataset fashion-mnist)"
            exit 0
        fi
        say "the package's files in $debian fail the MD5 check: $(bad_files "$debian" | tr '\n' ' ')"
    else
        say "the package could not be installed"
    fi
fi

start_work get-data
say "downloading from $url"
for name in "${names[@]}"; do
    # Short connect timeout: on an offline machine this must fail fast.
    curl -fsSL --connect-timeout 5 --max-time 300 -o "$work/$name.gz" "$url/$name.gz" ||
        { say "error: download of $name.gz failed; nothing was written to $dest"; exit 1; }
done
finish_work .gz "$url"
