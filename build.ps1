#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates WorktreeTools.
.DESCRIPTION
    Build    dotnet build: module/ beside WorktreeTools.psd1, help built from docs/.
    Test     dotnet test, then tests/Pester when Pester 5 is installed (in a fresh pwsh).
    Package  Release build copied to out/WorktreeTools/<version>/ (manifest + module/, no .pdb), checked
             with Test-ModuleManifest; publish it with Publish-PSResource -Path out/WorktreeTools/<version>.
    Demo     runs examples/*.ps1, each in a fresh pwsh with the module imported.
    Help     rebuilds the help and shows each exported cmdlet's synopsis as Get-Help sees it.
.EXAMPLE
    ./build.ps1 -Task Build, Test
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
$pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')

function Invoke-Native([string] $Command, [string[]] $Arguments) {
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor Cyan
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

# Runs a script in a fresh pwsh (so this session never loads, and locks, the module's assemblies).
function Invoke-Pwsh([string] $Script) {
    Invoke-Native $pwsh @('-NoProfile', '-NonInteractive', '-Command', $Script)
}

function Quote([string] $Text) { "'" + ($Text -replace "'", "''") + "'" }

$tasks = @{
    Build   = {
        Invoke-Native dotnet @('build', $solution, '-c', $Configuration)
    }
    Test    = {
        Invoke-Native dotnet @('test', $solution, '-c', $Configuration)
        if (-not (Get-Module -ListAvailable -Name Pester | Where-Object Version -ge '5.0')) {
            Write-Warning 'Pester 5 is not installed, so tests/Pester did not run. Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser'
            return
        }
        Invoke-Pwsh (@(
            'Import-Module Pester -MinimumVersion 5.0 -ErrorAction Stop'
            '$c = New-PesterConfiguration'
            '$c.Run.Path = ' + (Quote (Join-Path $root 'tests' 'Pester'))
            '$c.Run.Exit = $true'
            '$c.Output.Verbosity = ''Detailed'''
            'Invoke-Pester -Configuration $c'
        ) -join '; ')
    }
    Package = {
        Invoke-Native dotnet @('build', (Join-Path $root 'src' 'WorktreeTools' 'WorktreeTools.csproj'), '-c', 'Release')
        $out = Join-Path $root 'out' 'WorktreeTools' $version
        if (Test-Path -LiteralPath $out) { Remove-Item -LiteralPath $out -Recurse -Force }
        New-Item -ItemType Directory -Path $out | Out-Null
        # The same layout as the repository (manifest + module/), so the manifest works unchanged.
        Copy-Item -LiteralPath $manifestPath -Destination $out
        Copy-Item -LiteralPath (Join-Path $root 'module') -Destination (Join-Path $out 'module') -Recurse
        Get-ChildItem -LiteralPath $out -Recurse -File -Filter '*.pdb' | Remove-Item -Force
        $help = Join-Path $out 'module' 'en-US' 'WorktreeTools.dll-Help.xml'
        if (-not (Test-Path -LiteralPath $help)) { throw "The package has no help file ($help)." }
        $info = Test-ModuleManifest -Path (Join-Path $out 'WorktreeTools.psd1')
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
