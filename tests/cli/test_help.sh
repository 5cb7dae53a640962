#!/usr/bin/env bash
# `train --help` and `resume --help` show each config key's type, and train's its built-in default;
# resume's come from the checkpoint, and its help says so, names the keys a resume keeps and what
# --out and --prefix do there, and has the --config its group title names.
source "$(dirname "$0")/lib.sh"

"$TRAINCTL" train --help > train.help || fail "train --help exited $?"
for want in '--epochs INT=2' '--lr FLOAT=0.01' '--optimizer ENUM:{sgd,momentum,adam}=momentum' \
            '--net ENUM:{lenet5,mlp}=lenet5' '--fc-relu BOOL=false' '--hidden LIST=512,512' \
            '--prefix TEXT=lenet' '--ckpt-steps INT|epoch=epoch' '--input-mean FLOAT=0.1307'; do
  awk -v flag="${want%% *}" -v type="${want#* }" '$1 == flag && $2 == type { found = 1 } END { exit !found }' train.help \
    && pass || fail "train --help lacks '$want': $(grep -F -- "${want%% *}" train.help)"
done
# Every config key shows a type (no bare TEXT placeholder from CLI11 for a number).
grep -E -- '--(epochs|lr|batch-size|seed|keep-max) TEXT' train.help && fail "a numeric key shown as TEXT" || pass

"$TRAINCTL" resume --help > resume.help || fail "resume --help exited $?"
grep -qF 'default: the value stored in the checkpoint' resume.help && pass || fail "resume --help: $(grep -i 'config keys' resume.help)"
grep -qE -- '--epochs INT +number of epochs' resume.help && pass || fail "resume --help: $(grep -F -- '--epochs' resume.help)"
grep -qF -- 'INT=2' resume.help && fail "resume --help shows train's defaults" || pass
grep -qE -- '^ +-c,--config TEXT +JSON config file' resume.help && pass || fail "resume --help has no --config: $(grep -F -- 'config' resume.help)"
grep -qE -- '--seed INT +.*\(kept as stored: the data order and init depend on it\)' resume.help && pass \
  || fail "resume --help: $(grep -F -- '--seed' resume.help)"
grep -qE -- '--out TEXT +.*another directory: continue as a new run there, the source left as it is' resume.help && pass \
  || fail "resume --help: $(grep -F -- '--out' resume.help)"
grep -qE -- '--lr FLOAT +learning rate$' resume.help && pass || fail "resume --help: --lr marked as kept: $(grep -F -- '--lr ' resume.help)"

finish
