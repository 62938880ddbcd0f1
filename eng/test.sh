#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine with the .NET 10 SDK.
# 1. Installs what the tests need from Debian when its command is missing: Chromium for the browser tests, Node.js
#    with npm, which the web front-end's build uses to install its client libraries from the npm registry, and the
#    PostgreSQL and RabbitMQ servers that tests start throwaway instances of.
# 2. Builds once in Release, runs the in-process suites in parallel, then the suites that start the whole ERP as
#    processes (system and browser tests), one after the other, so that their timing is not skewed by other suites.
set -euo pipefail
cd "$(dirname "$0")/.."

# curl and openssl run the README's tour as written (tests/Tessera.System.Tests/ReadmeTourTests.cs).
declare -A needed=([chromium]=chromium [node]=nodejs [npm]=npm [curl]=curl [openssl]=openssl [rabbitmq-server]=rabbitmq-server)
missing=()
for command in "${!needed[@]}"; do
    # rabbitmq-server lives in /usr/sbin, which is not on a normal user's PATH.
    command -v "$command" >/dev/null 2>&1 || [[ -x "/usr/sbin/$command" ]] || missing+=("${needed[$command]}")
done
# PostgreSQL's server lives in /usr/lib/postgresql/<version>/bin; the tests start throwaway clusters from it.
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
if ((${#missing[@]})); then
    sudo=""
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

dotnet build Tessera.slnx -c Release
dotnet test Tessera.slnx -c Release --no-build --blame-hang-timeout 10m \
    --filter "FullyQualifiedName!~Tessera.System.Tests&FullyQualifiedName!~Tessera.Browser.Tests"
# The suites that touch data or messaging, again on PostgreSQL (docs/adr/0024): each factory gets a database of its own
# on a throwaway PostgreSQL server that the test process starts on a free 127.0.0.1 port.
TESSERA_TEST_PROFILE=scale dotnet test Tessera.slnx -c Release --no-build --blame-hang-timeout 10m \
    --filter "FullyQualifiedName~Tessera.Catalog.Tests|FullyQualifiedName~Tessera.Orders.Tests|FullyQualifiedName~Tessera.Inventory.Tests|FullyQualifiedName~Tessera.Procurement.Tests|FullyQualifiedName~Tessera.Logistics.Tests|FullyQualifiedName~Tessera.Finance.Tests|FullyQualifiedName~Tessera.Reporting.Tests|FullyQualifiedName~Tessera.Web.Tests|FullyQualifiedName~Tessera.Messaging.Tests"
dotnet test tests/Tessera.System.Tests -c Release --no-build --blame-hang-timeout 10m
# What the route matrix covered (docs/security.md): one line per check, then anything exempt.
cat tests/Tessera.System.Tests/bin/Release/net10.0/route-matrix.txt
# The rolling upgrade under 50 users: p99 before and during, and each service's swap (docs/benchmarks.md).
cat tests/Tessera.System.Tests/bin/Release/net10.0/rolling-upgrade.txt
dotnet test tests/Tessera.Browser.Tests -c Release --no-build --blame-hang-timeout 10m
