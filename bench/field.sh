#!/usr/bin/env bash
# A real-sized field, stage by stage, against the disk: how close the cutouts come to
# reading what they need at the disk's speed, and what the rest of the field costs.
#
#   bench/field.sh [NPIX] [CHANNELS] [BEAMS] [WORKDIR]      (defaults 384 288 36)
#
# 1. `arrakis simulate` writes one field once (kept in WORKDIR between runs): BEAMS beams of
#    I/Q/U cubes of NPIX x NPIX pixels and CHANNELS channels, ~1,500 islands (RACS's density);
#    `arrakis build sources` loads it (untimed);
# 2. with a cold page cache (drop_caches; said when the machine does not allow it), times
#    reading every cube whole, once, sequentially (cat): the disk's sequential speed;
# 3. cold again, times the engine's first look at the cubes (`arrakis build --dry-run cutouts`:
#    it fingerprints every input cube by its content, reading each whole, once per new or
#    changed cube; the digests are cached by (device, inode, size, mtime)), apart from the cut;
#    then cold again, times `arrakis build cutouts` (bench/field_io.py: wall time, bytes read
#    from the device, less what starting the binary cold reads, and through read calls; peak RSS);
# 4. counts the bytes the cutouts need (bench/field_needed.py: per cube, the union of the
#    island boxes through every channel) and derives the limit: those bytes at the speed of 2;
#    also the 4 KiB pages holding them (what any reader through the page cache fetches at
#    least) and the limit for those;
# 5. times the rest of the field stage by stage (mosaics, spectra, frion, rmsynth, rmclean,
#    catalogue) with the root Arrakisfile;
# 6. the original's way: bench/cutouts_astropy.py (astropy Cutout2D per island, as the
#    original cuts) on a sample of SAMPLE islands (default 100), extrapolated to the field.
# Prints last:
#   field: npix=.. chan=.. beams=.. islands=.. cutouts_s=.. limit_s=.. ratio=<limit/cutouts>
#          read_amplification=<device bytes read / bytes needed> total_s=.. peak_mem=<MiB>
#          astropy_cutouts_s=<extrapolated> hash_s=<the one-time fingerprint of the cubes>
#          limit_pages_s=<the pages' limit> ratio_pages=<limit_pages/cutouts>
#          read_amplification_pages=<device bytes read / pages needed>
set -euo pipefail
NPIX=${1:-384}
CHANNELS=${2:-288}
BEAMS=${3:-36}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${4:-/tmp/arrakis-bench-field-$NPIX-$CHANNELS-$BEAMS}
SAMPLE=${SAMPLE:-100}
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
if [ -z "${ARRAKIS_NO_BUILD:-}" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
python3 -c "import astropy" 2>/dev/null || python3 -m pip install --quiet astropy >&2
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
SURVEY=$WORK/survey
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b - a}'; }
if [ ! -s "$SURVEY/survey.json" ]; then
  echo "simulating one field: $BEAMS beams x I/Q/U x ${NPIX}^2 x $CHANNELS channels (once) ..." >&2
  t0=$(now)
  "$ARRAKIS" simulate "$SURVEY" --fields 1 --epochs 1 --beams "$BEAMS" --npix "$NPIX" --channels "$CHANNELS" \
    --sources 1800 --ionosphere --force 2>&1 | grep -v '^beams:' >&2
  echo "simulated in $(since "$t0") s" >&2
fi
FIELD_DIR=$(ls -d "$SURVEY"/epoch_0/*/ | head -1)
FIELD=$(basename "$FIELD_DIR")
cp "$ROOT/Arrakisfile" "$WORK/Arrakisfile"
export ARRAKIS_SURVEY=$SURVEY
cd "$WORK"
"$ARRAKIS" build --progress quiet sources >&2
MANIFESTS=$WORK/work/epoch_0/manifests
CUBES=$(find "$FIELD_DIR" -name 'image.restored.*.contcube.*.fits' | sort)
CUBE_BYTES=$(du -cb $CUBES | tail -1 | cut -f1)

cold() {
  sync
  if ! echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then
    [ -n "${WARNED:-}" ] || echo "cannot drop the page cache here (not root): the timings are warm, not cold" >&2
    WARNED=1
  fi
}

# 2. The disk's sequential speed on these cubes.
cold
t0=$(now); cat $CUBES > /dev/null; CAT_S=$(since "$t0")
echo "reading the $(( CUBE_BYTES / 1000000 )) MB of cubes whole: $CAT_S s" >&2

# What a cold start of the binary itself reads (the executable and its libraries), taken off
# the cutouts' device reads below.
cold
python3 "$ROOT/bench/field_io.py" "$ARRAKIS" --version > /dev/null 2> "$WORK/baseline.log"
BASE_BYTES=$(sed -n 's/.*read_bytes=\([0-9-]*\).*/\1/p' "$WORK/baseline.log" | tail -1)

# 3. The cutouts, cold, from nothing; the cubes' fingerprints first, timed apart.
rm -rf "$WORK/work/epoch_0/cutouts" "$MANIFESTS/$FIELD.cutouts.tsv"
touch $CUBES   # a new mtime: the engine fingerprints them again, as for a new field
cold
t0=$(now); "$ARRAKIS" build --dry-run --progress quiet cutouts > /dev/null; HASH_S=$(since "$t0")
echo "fingerprinting the cubes (first build of the field only): $HASH_S s" >&2
cold
python3 "$ROOT/bench/field_io.py" "$ARRAKIS" build --progress quiet cutouts 2> "$WORK/cutouts.log" || { cat "$WORK/cutouts.log" >&2; exit 1; }
IO=$(grep '^io:' "$WORK/cutouts.log" | tail -1)
CUT_S=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$IO")
READ_BYTES=$(( $(sed -n 's/.*read_bytes=\([0-9-]*\).*/\1/p' <<< "$IO") - BASE_BYTES ))
RCHAR=$(sed -n 's/.*rchar=\([0-9-]*\).*/\1/p' <<< "$IO")
CUT_MEM=$(sed -n 's/.*peak_rss_mib=\([0-9]*\).*/\1/p' <<< "$IO")
echo "cutouts: $CUT_S s, read $(( READ_BYTES / 1000000 )) MB from the device ($(( RCHAR / 1000000 )) MB through read calls), peak RSS $CUT_MEM MiB" >&2

# 4. What the cutouts need, and the limit.
NEEDED_LINE=$(python3 "$ROOT/bench/field_needed.py" "$MANIFESTS/$FIELD.cutouts.tsv" --cubes "$FIELD_DIR")
echo "$NEEDED_LINE" >&2
NEEDED=$(sed -n 's/.* needed_bytes=\([0-9]*\).*/\1/p' <<< "$NEEDED_LINE")
NEEDED_PAGES=$(sed -n 's/.*needed_pages_bytes=\([0-9]*\).*/\1/p' <<< "$NEEDED_LINE")
ISLANDS=$(tail -n +2 "$MANIFESTS/$FIELD.cutouts.tsv" | cut -f1 | sort -u | wc -l)

# 5. The rest of the field, stage by stage (warm: each stage reads what the one before wrote).
TOTAL=$CUT_S
PEAK=$CUT_MEM
STAGES=""
for stage in mosaics spectra frion rmsynth rmclean catalogue; do
  python3 "$ROOT/bench/field_io.py" "$ARRAKIS" build --progress quiet "$stage" 2> "$WORK/$stage.log" || { tail -5 "$WORK/$stage.log" >&2; exit 1; }
  line=$(grep '^io:' "$WORK/$stage.log" | tail -1)
  s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$line")
  m=$(sed -n 's/.*peak_rss_mib=\([0-9]*\).*/\1/p' <<< "$line")
  echo "$stage: $s s, peak RSS $m MiB" >&2
  STAGES="$STAGES $stage=$s"
  TOTAL=$(awk -v a="$TOTAL" -v b="$s" 'BEGIN{printf "%.2f", a + b}')
  PEAK=$(( m > PEAK ? m : PEAK ))
done

# 6. The original's way on a sample of islands, extrapolated to the field.
SAMPLE_MANIFEST=$WORK/sample.cutouts.tsv
head -1 "$MANIFESTS/$FIELD.cutouts.tsv" > "$SAMPLE_MANIFEST"
tail -n +2 "$MANIFESTS/$FIELD.cutouts.tsv" | cut -f1 | sort -u | shuf -n "$SAMPLE" --random-source=<(yes) > "$WORK/sample.ids"
tail -n +2 "$MANIFESTS/$FIELD.cutouts.tsv" | awk -F'\t' 'NR==FNR {keep[$1]; next} $1 in keep' "$WORK/sample.ids" - >> "$SAMPLE_MANIFEST"
rm -rf "$WORK/astropy"
cold
ASTROPY_LINE=$(python3 "$ROOT/bench/cutouts_astropy.py" "$SAMPLE_MANIFEST" "$WORK/astropy" --cubes "$FIELD_DIR" --check 10)
rm -rf "$WORK/astropy"
SAMPLED=$(wc -l < "$WORK/sample.ids")
ASTROPY_S=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$ASTROPY_LINE")
ASTROPY_FIELD=$(awk -v s="$ASTROPY_S" -v n="$SAMPLED" -v N="$ISLANDS" 'BEGIN{printf "%.1f", s * N / n}')
echo "astropy Cutout2D on $SAMPLED islands: $ASTROPY_S s -> $ASTROPY_FIELD s for the field's $ISLANDS ($ASTROPY_LINE)" >&2

echo "stages (s):$STAGES" >&2
awk -v npix="$NPIX" -v chan="$CHANNELS" -v beams="$BEAMS" -v isl="$ISLANDS" -v cut="$CUT_S" -v cat="$CAT_S" \
    -v cube="$CUBE_BYTES" -v need="$NEEDED" -v rb="$READ_BYTES" -v total="$TOTAL" -v peak="$PEAK" -v astro="$ASTROPY_FIELD" \
    -v hash="$HASH_S" -v pages="$NEEDED_PAGES" 'BEGIN {
  limit = need / (cube / cat)
  limit_pages = pages / (cube / cat)
  printf "field: npix=%d chan=%d beams=%d islands=%d cutouts_s=%.2f limit_s=%.2f ratio=%.2f read_amplification=%.2f total_s=%.1f peak_mem=%d astropy_cutouts_s=%.1f hash_s=%.2f limit_pages_s=%.2f ratio_pages=%.2f read_amplification_pages=%.2f\n",
         npix, chan, beams, isl, cut, limit, limit / cut, rb / need, total, peak, astro, hash, limit_pages, limit_pages / cut, rb / pages
}'
