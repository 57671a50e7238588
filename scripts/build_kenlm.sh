#!/usr/bin/env bash
# Build KenLM's lmplz and build_binary (in no Debian or PyPI binary package) from the kenlm source
# package on PyPI, into the venv's bin/. Usage: scripts/build_kenlm.sh VENV
set -euo pipefail
venv=${1:-.venv}
version=$(sed -n 's/^kenlm==//p' requirements/runtime.txt)
work=build/kenlm
rm -rf "$work" && mkdir -p "$work"
"$venv/bin/pip" download -q --no-deps --no-binary kenlm "kenlm==$version" -d "$work"
tar -xzf "$work"/kenlm-*.tar.gz -C "$work"
src=$(find "$work" -maxdepth 2 -name CMakeLists.txt -printf '%h\n' | head -1)
cmake -S "$src" -B "$work/cmake" -DCMAKE_BUILD_TYPE=Release -DKENLM_MAX_ORDER=6 > "$work/cmake.log"
cmake --build "$work/cmake" --target lmplz build_binary -j "$(nproc)" > "$work/build.log"
install -m 755 "$work/cmake/bin/lmplz" "$work/cmake/bin/build_binary" "$venv/bin/"
echo "lmplz and build_binary installed in $venv/bin"
