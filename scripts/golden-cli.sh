#!/usr/bin/env bash
# Runs the user-facing CLI commands on fixtures/jiangdong into $1 (a folder), so two trees'
# outputs can be compared byte for byte:  scripts/golden-cli.sh /tmp/a; (change); scripts/golden-cli.sh /tmp/b; diff -r /tmp/a /tmp/b
# Runs the TypeScript sources through tsx (no build needed). Timing-bearing lines (stderr,
# run summaries with seconds) are not compared; every data file is.
set -euo pipefail
OUT=${1:?output folder}
EXTRA=${EXTRA:-}
# only ever delete a folder this script made (it leaves a marker file in it)
case "$OUT" in /tmp/*) ;; *) echo "golden-cli.sh: the output folder must be under /tmp, got $OUT" >&2; exit 2 ;; esac
if [ -e "$OUT" ]; then
  [ -f "$OUT/.golden-cli" ] || { echo "golden-cli.sh: $OUT exists and was not made by this script" >&2; exit 2; }
  rm -rf "$OUT"
fi
mkdir -p "$OUT"; touch "$OUT/.golden-cli"
D=fixtures/jiangdong
tm() { node --import tsx --input-type=module -e "import {main} from './src/adapters/cli/main.ts'; process.exitCode = await main(['node','talentmatch', ...process.argv.slice(1)]);" -- "$@"; }
tm recommend --data $D --out "$OUT/recommend.jsonl" $EXTRA 2>/dev/null
tm recommend --data $D --top 3 --top-platform 7 --out "$OUT/recommend-3-7.jsonl" $EXTRA 2>/dev/null
tm score --data $D --out "$OUT/score.csv" $EXTRA 2>/dev/null
tm match --data $D --out "$OUT/match.json" 2>/dev/null
tm match --data $D --proposer platform --max-prefs 5 --out "$OUT/match-p5.json" 2>/dev/null
tm refer --data $D --out "$OUT/refer.jsonl" 2>/dev/null
tm run --data $D --out "$OUT/run" $EXTRA > /dev/null 2>&1
tm evaluate --data $D --json $EXTRA > "$OUT/evaluate.json" 2>/dev/null
tm tune --data $D --budget 6 --folds 2 --out "$OUT/tuned.json" $EXTRA > /dev/null 2>&1
tm batch --data $D --db "$OUT/b.db" --threads 2 --chunk-size 500 --out "$OUT/batch" > /dev/null 2>&1
tm export --db "$OUT/b.db" --out "$OUT/export" > /dev/null 2>&1
rm -f "$OUT/b.db"*
# the report and the tuned weights carry the time they were made: blank the timestamps
sed -i -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/<time>/g' "$OUT/run/report.html" "$OUT/tuned.json"
find "$OUT" -type f ! -name .golden-cli | sort | xargs sha1sum | sed "s#$OUT/##"
