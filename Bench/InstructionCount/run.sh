#!/usr/bin/env bash
# Executed instructions per decoded word of `eccbench infer` for the ECCT and the AECCT (callgrind), classified by
# mnemonic: multiplies, FMAs, additions (see count_instructions.py). Installs valgrind and binutils when missing.
# Usage: Bench/InstructionCount/run.sh [--ecct FILE] [--aecct FILE] [--code NAME]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v valgrind >/dev/null || ! command -v objdump >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind binutils
fi
swift build -c release --product eccbench >/dev/null
python3 Bench/InstructionCount/count_instructions.py --binary .build/release/eccbench "$@"
