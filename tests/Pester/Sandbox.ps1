# Dot-source in a Pester BeforeAll: an isolated WorktreeTools home and git identity for this pwsh process, and
# throw-away repositories under one sandbox folder. Nothing outside the sandbox is touched.
#
#   BeforeAll { . (Join-Path $PSScriptRoot 'Sandbox.ps1'); $repo = New-SandboxRepository }
#   AfterAll  { Remove-Sandbox }

$script:SandboxRoot = Join-Path ([IO.Path]::GetTempPath()) "wtt-pester-$PID-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
$script:SandboxSaved = @{}
foreach ($name in 'WORKTREE_TOOLS_HOME', 'WORKTREE_TOOLS_CONFIG', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM') {
    $script:SandboxSaved[$name] = [Environment]::GetEnvironmentVariable($name)
}
New-Item -ItemType Directory -Path $script:SandboxRoot -Force | Out-Null
Set-Content -LiteralPath (Join-Path $script:SandboxRoot 'gitconfig') -Value @'
[user]
	name = Test User
	email = test@example.invalid
[init]
	defaultBranch = main
[commit]
	gpgsign = false
[advice]
	detachedHead = false
'@
$env:GIT_CONFIG_GLOBAL = Join-Path $script:SandboxRoot 'gitconfig'
$env:GIT_CONFIG_NOSYSTEM = '1'
$env:WORKTREE_TOOLS_HOME = Join-Path $script:SandboxRoot 'home'
$env:WORKTREE_TOOLS_CONFIG = Join-Path $script:SandboxRoot 'home' 'config.yml'
$script:ModuleManifest = (Resolve-Path (Join-Path $PSScriptRoot '..' '..' 'WorktreeTools.psd1')).Path
Import-Module $script:ModuleManifest -Force -ErrorAction Stop

<#
.SYNOPSIS
    A new git repository (branch main, one commit) in the sandbox, with the given files committed.
    Worktrees go to a sibling folder (<name>-worktrees), as by default. Returns the repository's root path.
#>
function New-SandboxRepository([string] $Name = 'app', [hashtable] $Files = @{}) {
    $parent = Join-Path $script:SandboxRoot ([guid]::NewGuid().ToString('N').Substring(0, 8))
    $root = Join-Path $parent $Name
    New-Item -ItemType Directory -Path $root -Force | Out-Null
    git -C $root init -q -b main
    $all = @{ 'README.md' = "# test`n"; '.gitignore' = ".env`ndata/*.db`nnode_modules/`n" } + $Files
    foreach ($path in $all.Keys) { Set-SandboxFile $root $path $all[$path] }
    git -C $root add -A
    git -C $root commit -q -m initial
    $root
}

function Set-SandboxFile([string] $Root, [string] $Path, [string] $Text) {
    $full = Join-Path $Root $Path
    New-Item -ItemType Directory -Path (Split-Path $full) -Force | Out-Null
    [IO.File]::WriteAllText($full, $Text)
}

<# A port range no other suite uses, so parallel runs of the xunit and Pester suites don't compete. #>
function Get-SandboxPortRange { '21000-21999' }

<# Stops what the sandbox started (dev servers, agents) and deletes it; restores the environment. #>
function Remove-Sandbox {
    foreach ($repo in Get-ChildItem -Directory -Path $script:SandboxRoot -ErrorAction Ignore | Get-ChildItem -Directory | Where-Object { Test-Path (Join-Path $_.FullName '.git') -PathType Container }) {
        Get-DevServer -Repository $repo.FullName -ErrorAction Ignore | Stop-DevServer -Repository $repo.FullName -ErrorAction Ignore
    }
    Set-Location ([IO.Path]::GetTempPath())
    Remove-Item -LiteralPath $script:SandboxRoot -Recurse -Force -ErrorAction Ignore
    foreach ($name in $script:SandboxSaved.Keys) { [Environment]::SetEnvironmentVariable($name, $script:SandboxSaved[$name]) }
}
