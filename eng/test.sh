#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine with the .NET 10 SDK.
# 1. Installs the Debian packages the tests need, if missing (none beyond the SDK so far; browser and server tests
#    add chromium, postgresql and rabbitmq-server to this list).
# 2. Builds once in Release, runs the in-process suites in parallel, then the system tests, which start the whole ERP
#    as processes, on their own so that their timing is not skewed by the other suites.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

dotnet build Tessera.slnx -c Release
dotnet test Tessera.slnx -c Release --no-build --blame-hang-timeout 10m --filter "FullyQualifiedName!~Tessera.System.Tests"
dotnet test tests/Tessera.System.Tests -c Release --no-build --blame-hang-timeout 10m
