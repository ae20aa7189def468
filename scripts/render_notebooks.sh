#!/usr/bin/env bash
# Re-render notebooks in full mode so the committed .ipynb files carry real outputs.
#   bash scripts/render_notebooks.sh                         # every notebook
#   bash scripts/render_notebooks.sh notebooks/03_mlp_gan.py # or its .ipynb
# The py:percent twins are the source: each is synced into its .ipynb, then the notebook is
# executed top to bottom in a fresh kernel. Data comes from the usual variables, e.g.
#   GAN_LAB_DATA=/path/to/data bash scripts/render_notebooks.sh
# Pairs are found by gan_lab.course.notebook_pair, the one place that knows where twins lie.
set -euo pipefail
cd "$(dirname "$0")/.."
unset GAN_LAB_QUICK  # full mode: what students run
[ -n "${GAN_LAB_DATA:-}" ] && export GAN_LAB_DATA="$(cd "$GAN_LAB_DATA" && pwd)"
mapfile -t pairs < <(python -c '
import sys
from gan_lab.course import notebook_pairs
for notebook, twin in notebook_pairs(sys.argv[1:]):
    print(f"{notebook}\t{twin}")' "$@")
[ ${#pairs[@]} -gt 0 ] || { echo "no notebooks to render" >&2; exit 1; }
for pair in "${pairs[@]}"; do
  IFS=$'\t' read -r nb py <<< "$pair"
  start=$(date +%s)
  jupytext --quiet --to ipynb --update -o "$nb" "$py"
  jupyter nbconvert --log-level=WARN --to notebook --execute --inplace \
    --ExecutePreprocessor.timeout=3600 "$nb"
  jupytext --quiet --sync "$nb"
  echo "rendered $nb in $(( $(date +%s) - start )) s"
done
