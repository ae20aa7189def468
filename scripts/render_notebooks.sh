#!/usr/bin/env bash
# Re-render notebooks in full mode so the committed .ipynb files carry real outputs.
#   bash scripts/render_notebooks.sh                 # every notebook
#   bash scripts/render_notebooks.sh notebooks/03_*.py
# The py:percent twins are the source: each is synced into its .ipynb, then the notebook is
# executed top to bottom in a fresh kernel. Data and split come from the usual variables, e.g.
#   GAN_LAB_DATA=/path/to/data GAN_LAB_SPLIT=test bash scripts/render_notebooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
unset GAN_LAB_QUICK  # full mode: what students run
[ -n "${GAN_LAB_DATA:-}" ] && export GAN_LAB_DATA="$(cd "$GAN_LAB_DATA" && pwd)"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(notebooks/[0-9]*.py)
for py in "${files[@]}"; do
  nb="${py%.*}.ipynb"
  start=$(date +%s)
  jupytext --quiet --to ipynb --update -o "$nb" "${py%.*}.py"
  jupyter nbconvert --log-level=WARN --to notebook --execute --inplace \
    --ExecutePreprocessor.timeout=3600 "$nb"
  jupytext --quiet --sync "$nb"
  echo "rendered $nb in $(( $(date +%s) - start )) s"
done
