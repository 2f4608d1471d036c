#!/usr/bin/env pwsh
<#
.SYNOPSIS
Builds, tests, runs and benchmarks CaseLedger: the PowerShell twin of build.sh, with the same targets.

.DESCRIPTION
Works from any folder. Needs only the .NET SDK; the tests start their own PostgreSQL cluster from the
machine's PostgreSQL binaries, so no server has to be running.

.EXAMPLE
./build.ps1 test

.EXAMPLE
./build.ps1 run -- --urls http://localhost:5000
#>
param(
    [string]$Target = 'help',
    [Parameter(ValueFromRemainingArguments)]
    $Rest
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
# We judge dotnet by its exit code ourselves, so the test summary is printed even when tests fail (PowerShell 7.3+).
$PSNativeCommandUseErrorActionPreference = $false

$Solution = 'CaseLedger.sln'
# One configuration for build, test and run, so `test` reuses what `build` made.
$Configuration = 'Debug'
$ResultsDir = 'TestResults'
$env:DOTNET_NOLOGO = '1'

$Usage = @'
usage: ./build.ps1 <target> [arguments]

targets:
  build          build the solution (Debug)
  test           build everything, run every test project, print "tests: N passed, M failed"
  run [args]     run the host (src/CaseLedger.Host) in the Development environment; args go to the host
  bench [args]   run the benchmarks in Release: [ballots|concurrent|audit|scenarios|memory|deadlines|visas], all if none named (e.g. ballots --households 702 --window 100)
  clean          remove build output, test results and benchmark artifacts
'@

# Lets `./build.ps1 run -- --urls ...` and `./build.ps1 run --urls ...` mean the same.
[string[]]$Arguments = @($Rest | Where-Object { $null -ne $_ } | ForEach-Object { "$_" })
if ($Arguments.Count -gt 0 -and $Arguments[0] -eq '--') {
    $Arguments = @($Arguments | Select-Object -Skip 1)
}

$script:ExitCode = 0

# Arguments travel as an array of strings: a literal -- or --flag typed here would be taken by PowerShell itself.
function Invoke-Dotnet([string[]]$DotnetArguments) {
    & dotnet @DotnetArguments
    if ($LASTEXITCODE -ne 0) {
        $script:ExitCode = $LASTEXITCODE
        throw "dotnet $($DotnetArguments -join ' ') exited with code $LASTEXITCODE"
    }
}

function Invoke-Build {
    Invoke-Dotnet @('build', $Solution, '-c', $Configuration)
}

function Invoke-Tests {
    Invoke-Build

    if (Test-Path -LiteralPath $ResultsDir) {
        Remove-Item -LiteralPath $ResultsDir -Recurse -Force
    }

    # The per-project summary lines are what we count; the terminal logger would replace them.
    $previousTerminalLogger = $env:MSBUILDTERMINALLOGGER
    $env:MSBUILDTERMINALLOGGER = 'off'
    $testOutput = @()
    try {
        & dotnet test $Solution -c $Configuration --no-build --results-directory $ResultsDir |
            Tee-Object -Variable testOutput |
            Out-Host
        $testExitCode = $LASTEXITCODE
    }
    finally {
        $env:MSBUILDTERMINALLOGGER = $previousTerminalLogger
    }

    # Lines such as "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, ..."
    $passed = 0
    $failed = 0
    $skipped = 0
    foreach ($line in @($testOutput)) {
        $match = [regex]::Match("$line", '(?:Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+),')
        if ($match.Success) {
            $failed += [int]$match.Groups[1].Value
            $passed += [int]$match.Groups[2].Value
            $skipped += [int]$match.Groups[3].Value
        }
    }

    $summary = "tests: $passed passed, $failed failed"
    if ($skipped -gt 0) {
        $summary += ", $skipped skipped"
    }
    Write-Host $summary

    if ($testExitCode -ne 0 -or $failed -gt 0) {
        $script:ExitCode = 1
    }
}

function Invoke-Clean {
    Invoke-Dotnet @('clean', $Solution, '-c', 'Debug', '--verbosity', 'quiet')
    Invoke-Dotnet @('clean', $Solution, '-c', 'Release', '--verbosity', 'quiet')
    foreach ($folder in @($ResultsDir, 'BenchmarkDotNet.Artifacts')) {
        if (Test-Path -LiteralPath $folder) {
            Remove-Item -LiteralPath $folder -Recurse -Force
        }
    }
}

Push-Location -LiteralPath $PSScriptRoot
try {
    switch ($Target) {
        'build' { Invoke-Build }
        'test' { Invoke-Tests }
        'run' {
            # A developer's host: the Development environment (the auditor page's development sign-in, POST /dev/tokens)
            # unless the caller chose another; set for the host only, so the session keeps its own value afterwards.
            $previousEnvironment = $env:ASPNETCORE_ENVIRONMENT
            if (-not $previousEnvironment) {
                $env:ASPNETCORE_ENVIRONMENT = 'Development'
            }

            try {
                Invoke-Dotnet (@('run', '--project', 'src/CaseLedger.Host', '-c', $Configuration, '--') + $Arguments)
            }
            finally {
                $env:ASPNETCORE_ENVIRONMENT = $previousEnvironment
            }
        }
        # Benchmarks only mean something in Release.
        'bench' { Invoke-Dotnet (@('run', '-c', 'Release', '--project', 'tests/CaseLedger.Benchmarks', '--') + $Arguments) }
        'clean' { Invoke-Clean }
        { $_ -in @('help', '-h', '--help', '') } { Write-Host $Usage }
        default {
            [Console]::Error.WriteLine("build.ps1: unknown target '$Target'")
            [Console]::Error.WriteLine($Usage)
            $script:ExitCode = 2
        }
    }
}
catch {
    [Console]::Error.WriteLine($_.ToString())
    if ($script:ExitCode -eq 0) {
        $script:ExitCode = 1
    }
}
finally {
    Pop-Location
}

exit $script:ExitCode
