#Requires -Version 7.4
<#
.SYNOPSIS
    Lays the module out as it ships, in -Destination: WorktreeTools.psd1, LICENSE, en-US/ (about_WorktreeTools) and
    module/ (assemblies, format views, cmdlet help, dependencies with the native libraries of the platforms pwsh runs
    on), without .pdb files. The repository's own layout, so the manifest works unchanged. Returns the manifest's
    Test-ModuleManifest result. Used by build.ps1 -Task Package and by the package test.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Destination,
    [string] $Root = (Split-Path -Parent $PSScriptRoot)
)
$ErrorActionPreference = 'Stop'
if (Test-Path -LiteralPath $Destination) { Remove-Item -LiteralPath $Destination -Recurse -Force }
New-Item -ItemType Directory -Path $Destination | Out-Null
foreach ($file in 'WorktreeTools.psd1', 'LICENSE') { Copy-Item -LiteralPath (Join-Path $Root $file) -Destination $Destination }
foreach ($folder in 'en-US', 'module') { Copy-Item -LiteralPath (Join-Path $Root $folder) -Destination (Join-Path $Destination $folder) -Recurse }
Get-ChildItem -LiteralPath $Destination -Recurse -File -Filter '*.pdb' | Remove-Item -Force
$help = Join-Path $Destination 'module' 'en-US' 'WorktreeTools.dll-Help.xml'
if (-not (Test-Path -LiteralPath $help)) { throw "The package has no cmdlet help ($help): build first." }
Test-ModuleManifest -Path (Join-Path $Destination 'WorktreeTools.psd1')
