# Sourced by get-mnist.sh and get-data.sh: the MD5 check of a set's four IDX files and the work
# folder beside DEST from which checked files are moved in. The caller sets `names` (the four
# file names), `md5` (name -> MD5 of the decompressed file), `dest`, and defines say().

# Prints the names whose NAME or NAME.gz in folder $1 is missing or has the wrong MD5 (of the
# decompressed content: Debian recompresses .gz files, so only their content is comparable).
bad_files() {
    local name sum
    for name in "${names[@]}"; do
        if [[ -f $1/$name ]]; then sum=$(md5sum <"$1/$name")
        elif [[ -f $1/$name.gz ]]; then sum=$(gzip -dc "$1/$name.gz" 2>/dev/null | md5sum)
        else echo "$name"; continue; fi
        [[ ${sum%% *} == "${md5[$name]}" ]] || echo "$name"
    done
}

# Makes DEST and a work folder in it ($work), so the final moves are renames. On exit the work
# folder goes, and after a failure so do the folders made for DEST (rmdir refuses a non-empty
# folder: a successful run keeps DEST). $1 names the work folder (.TAG.XXXXXX).
start_work() {
    made=
    if [[ ! -d $dest ]]; then
        made=$dest
        while [[ ! -d $(dirname "$made") ]]; do made=$(dirname "$made"); done
    fi
    mkdir -p "$dest"
    work=$(mktemp -d "$dest/.$1.XXXXXX")
    trap cleanup_work EXIT
}

cleanup_work() {
    rm -rf "$work"
    local dir=$dest
    while [[ -n $made ]] && rmdir "$dir" 2>/dev/null && [[ $dir != "$made" ]]; do dir=$(dirname "$dir"); done
}

# Checks the four files in $work and moves them into DEST, each NAME$1 ($1: "" or ".gz"); $2 says
# where they came from. Nothing is written to DEST when one fails.
finish_work() {
    local suffix=$1 source=$2 bad name
    bad=$(bad_files "$work")
    if [[ -n $bad ]]; then
        say "error: MD5 mismatch in files from $source: ${bad//$'\n'/ }; nothing was written to $dest"
        exit 1
    fi
    for name in "${names[@]}"; do mv -f "$work/$name$suffix" "$dest/$name$suffix"; done
    say "wrote ${names[*]/%/$suffix} to $dest (from $source)"
}
