#!/usr/bin/env bash
# Lays a build out as a folder that `tessera upgrade --from <folder>` accepts: every service's output folder copied to
# <folder>/<service>/ and a services.manifest naming their dlls relative to the folder, so the folder can be moved or
# unpacked anywhere. A label, when given, is written next to each dll (tessera-build.txt) and shown by /health and the
# operations console as part of the version. Build first: dotnet build src/Tessera.AppHost -c Release
#
#   eng/build-folder.sh <folder> [label]
#
# TESSERA_MANIFEST names another AppHost's services.manifest; TESSERA_HARDLINK=1 links the files instead of copying them
# (same file system only; what the system tests use to save a gigabyte of copying).
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: $0 <folder> [label]" >&2
  exit 2
fi
out=$1
label=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
manifest=${TESSERA_MANIFEST:-$root/src/Tessera.AppHost/bin/Release/net10.0/services.manifest}
if [[ ! -f $manifest ]]; then
  echo "$manifest is missing: build first (dotnet build src/Tessera.AppHost -c Release)" >&2
  exit 2
fi
if [[ -e $out && -n $(ls -A "$out") ]]; then
  echo "$out is not empty" >&2
  exit 2
fi
copy=(cp -a)
[[ ${TESSERA_HARDLINK:-} == 1 ]] && copy=(cp -al)
mkdir -p "$out"
lines=()
while IFS='|' read -r name dll; do
  [[ -z $name ]] && continue
  "${copy[@]}" "$(dirname "$dll")" "$out/$name"
  if [[ -n $label ]]; then
    # A linked label would be the source build's file too: replace it, never write through it.
    rm -f "$out/$name/tessera-build.txt"
    printf '%s\n' "$label" > "$out/$name/tessera-build.txt"
  fi
  lines+=("$name|$name/$(basename "$dll")")
done < "$manifest"
printf '%s\n' "${lines[@]}" > "$out/services.manifest"
echo "Build folder $out: ${#lines[@]} services${label:+, labelled '$label'}."
