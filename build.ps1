#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates WorktreeTools.
.DESCRIPTION
    Build    dotnet build: module/ beside WorktreeTools.psd1, help built from docs/.
    Test     builds, runs the xunit suites (dotnet test), then the Pester suite (tests/Pester) in a fresh real
             pwsh with the Pester restored from NuGet; prints one 'N passed, N failed' line over both and fails
             on any failure. The README's test command: dotnet tool restore && dotnet pwsh -File build.ps1 -Task Test
    Package  Release build laid out in out/WorktreeTools/<version>/ by build/Copy-ModulePackage.ps1 (manifest,
             LICENSE, en-US/, module/ with the native libraries of the platforms pwsh runs on, no .pdb), checked
             with Test-ModuleManifest; publish it with Publish-PSResource -Path out/WorktreeTools/<version>.
    Demo     runs examples/*.ps1, each in a fresh pwsh with the module imported.
    Help     rebuilds the help and shows each exported cmdlet's synopsis as Get-Help sees it.
.EXAMPLE
    dotnet tool restore; dotnet pwsh -NoProfile -File build.ps1 -Task Test
.EXAMPLE
    ./build.ps1 -Task Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Help')]
    [string[]] $Task = 'Build',
    [string] $Configuration = 'Debug'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$root = $PSScriptRoot
$solution = Join-Path $root 'WorktreeTools.sln'
$manifestPath = Join-Path $root 'WorktreeTools.psd1'
$version = (Import-PowerShellDataFile -Path $manifestPath).ModuleVersion
# The pwsh running this script (the pinned dotnet tool runs as `dotnet pwsh.dll`, an installed pwsh as itself).
$pwsh = @([Environment]::ProcessPath)
if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }

function Invoke-Native([string] $Command, [string[]] $Arguments, [switch] $AllowFailure) {
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor Cyan
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0 -and -not $AllowFailure) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

# Runs a script in a fresh pwsh (so this session never loads, and locks, the module's assemblies).
function Invoke-Pwsh([string] $Script, [switch] $AllowFailure) {
    Invoke-Native $pwsh[0] (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Script)) -AllowFailure:$AllowFailure
}

# Pester as restored from NuGet by tests/WorktreeTools.Tests (a PackageDownload), else an installed Pester 5.
function Find-Pester {
    $project = Get-Content -Raw (Join-Path $root 'tests' 'WorktreeTools.Tests' 'WorktreeTools.Tests.csproj')
    $version = [regex]::Match($project, '<PackageDownload Include="Pester" Version="\[([^\]]+)\]"').Groups[1].Value
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) { $packages = ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim() }
    $restored = Join-Path $packages 'pester' $version 'tools' 'Pester.psd1'
    if (Test-Path -LiteralPath $restored) { return $restored }
    $installed = Get-Module -ListAvailable -Name Pester | Where-Object Version -ge '5.0' | Sort-Object Version -Descending | Select-Object -First 1
    if ($installed) { return $installed.Path }
    throw "Pester $version is not restored ($restored): run 'dotnet restore WorktreeTools.sln'."
}

function Quote([string] $Text) { "'" + ($Text -replace "'", "''") + "'" }

$tasks = @{
    Build   = {
        Invoke-Native dotnet @('build', $solution, '-c', $Configuration)
    }
    Test    = {
        # Everything, counted together: the xunit suites (engine; cmdlets through a hosted engine), then the
        # Pester suite in a fresh real pwsh. Ends with one 'N passed, N failed' line; fails on any failure.
        Invoke-Native dotnet @('build', $solution, '-c', $Configuration)
        $passed = 0; $failed = 0
        & dotnet test $solution --no-build -c $Configuration | Tee-Object -Variable xunit | Out-Host
        $xunitExit = $LASTEXITCODE
        foreach ($m in [regex]::Matches(($xunit -join "`n"), '(?m)^\s*(?:Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+)')) {
            $failed += [int]$m.Groups[1].Value; $passed += [int]$m.Groups[2].Value
        }
        if ($xunitExit -ne 0 -and $failed -eq 0) { $failed++ }   # a crash or a build failure counts as a failure

        $counts = Join-Path ([IO.Path]::GetTempPath()) "worktreetools-pester-$PID.json"
        try {
            Invoke-Pwsh (@(
                "Import-Module $(Quote (Find-Pester)) -ErrorAction Stop"
                '$c = New-PesterConfiguration'
                '$c.Run.Path = ' + (Quote (Join-Path $root 'tests' 'Pester'))
                '$c.Run.PassThru = $true'
                '$c.Output.Verbosity = "Normal"'
                '$r = Invoke-Pester -Configuration $c'
                '@{ Passed = $r.PassedCount; Failed = $r.FailedCount + $r.FailedBlocksCount + $r.FailedContainersCount } | ConvertTo-Json | Set-Content -LiteralPath ' + (Quote $counts)
            ) -join '; ') -AllowFailure
            if (Test-Path -LiteralPath $counts) {
                $pester = Get-Content -Raw -LiteralPath $counts | ConvertFrom-Json
                $passed += $pester.Passed; $failed += $pester.Failed
            }
            else { $failed++; Write-Host 'The Pester suite did not finish.' -ForegroundColor Red }
        }
        finally { Remove-Item -LiteralPath $counts -ErrorAction Ignore }
        Write-Host "$passed passed, $failed failed"
        if ($failed -gt 0) { throw "$failed test(s) failed." }
    }
    Package = {
        Invoke-Native dotnet @('build', (Join-Path $root 'src' 'WorktreeTools' 'WorktreeTools.csproj'), '-c', 'Release')
        $out = Join-Path $root 'out' 'WorktreeTools' $version
        $info = & (Join-Path $root 'build' 'Copy-ModulePackage.ps1') -Destination $out -Root $root
        Write-Host "Packaged $($info.Name) $($info.Version) with $($info.ExportedCmdlets.Count) cmdlets: $out" -ForegroundColor Green
    }
    Demo    = {
        $examples = @(Get-ChildItem -Path (Join-Path $root 'examples') -Filter '*.ps1' -File -ErrorAction SilentlyContinue | Sort-Object Name)
        if ($examples.Count -eq 0) { Write-Warning 'No examples/*.ps1 to run.'; return }
        foreach ($example in $examples) {
            Write-Host "== $($example.Name)" -ForegroundColor Green
            Invoke-Pwsh "Import-Module $(Quote $manifestPath) -ErrorAction Stop; & $(Quote $example.FullName)"
        }
    }
    Help    = {
        Invoke-Native dotnet @('build', (Join-Path $root 'src' 'WorktreeTools' 'WorktreeTools.csproj'), '-c', $Configuration)
        # A cmdlet whose help file is not found gets its syntax as synopsis: that counts as missing help.
        Invoke-Pwsh (@(
            "Import-Module $(Quote $manifestPath) -ErrorAction Stop"
            '$missing = 0'
            'foreach ($c in Get-Command -Module WorktreeTools) { $s = (Get-Help $c.Name).Synopsis; if ("$s".Trim() -like "$($c.Name) *") { $missing++; "{0,-28} (no help)" -f $c.Name } else { "{0,-28} {1}" -f $c.Name, $s } }'
            'exit $missing'
        ) -join '; ')
    }
}

try {
    foreach ($name in $Task) {
        Write-Host "=== $name ($Configuration)" -ForegroundColor Yellow
        & $tasks[$name]
    }
}
catch {
    Write-Host "build.ps1: $name failed: $_" -ForegroundColor Red
    exit 1
}
