#!/usr/bin/env bash
# Re-render the scripted demo and evaluation meetings to 16 kHz mono WAV + timeline JSON.
#
# Usage: scripts/render_meetings.sh [path/to/synth_meeting.py]
#   default: ../shared/tools/synth_meeting.py (relative to the repo root)
#
# Only for regenerating the committed data after editing a script JSON: the WAV and
# timeline files are committed, so nothing at run time or in tests depends on the tool.
# Needs espeak-ng and sox on PATH (Debian: apt-get install -y espeak-ng sox).
# Renders are not bit-identical (sox dithers when it resamples, and espeak-ng differs between
# versions), and tiny.en's transcript of a whole meeting can shift with that: after
# re-rendering, check that tiny.en still hears every truth key in each contracts turn.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
synth="${1:-$root/../shared/tools/synth_meeting.py}"

if [[ ! -f "$synth" ]]; then
  echo "render_meetings: synth tool not found: $synth" >&2
  exit 2
fi
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "render_meetings: $tool not on PATH" >&2; exit 2; }
done

render() {  # render SCRIPT.json OUT_DIR
  echo "rendering $1"
  python3 "$synth" "$1" "$2"
}

render "$root/assistant/demo/demo_circle.json" "$root/assistant/demo"
for script in "$root"/tests/data/meetings/eval_*.json; do
  [[ "$script" == *.timeline.json ]] && continue
  render "$script" "$root/tests/data/meetings"
done
