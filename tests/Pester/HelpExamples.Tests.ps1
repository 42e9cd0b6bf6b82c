#Requires -Version 7.4
# Pester 5, real pwsh. Every example of every help page (docs/*.md) runs, as written, in a sandbox repository
# at ~/src/app (HOME is the sandbox), with an origin, branches develop and release/1.4, issues 101-106 with two
# commits each, and small stand-ins on PATH for pnpm (install, dev, test, ...) and the agents amp, claude and codex
# (they commit the prompt). An example passes when it runs to its end without an error; native commands too
# ($PSNativeCommandUseErrorActionPreference). Confirmations are answered yes ($ConfirmPreference = 'None'), as a
# user would at the prompt; an example that asks itself (-Confirm) cannot run in pwsh -NonInteractive. Some examples
# need a state first (a server running, a dirty worktree): Arrange makes it. Needs git and node.

BeforeDiscovery {
    $noNode = -not (Get-Command node -ErrorAction Ignore)
    $notInSandbox = @{
        'Get-DevServer 2'          = 'it opens the servers in a browser (Start-Process)'
        'Approve-WorktreeConfig 2' = 'it asks for each command (-Confirm), which pwsh -NonInteractive cannot'
        'Stop-IssueAgent 3'        = 'it asks for confirmation (-Confirm), which pwsh -NonInteractive cannot'
    }
    $baseMoves = "Set-Content base.txt (Get-Date).Ticks; git add base.txt; git commit -q -m 'base moves'; git push -q origin main"
    $arrange = @{
        'Get-IssueLog 1'          = 'Start-DevServer 101'
        'Get-IssueAgent 2'        = "Start-IssueAgent 101 -Prompt 'Fix the login' | Wait-IssueAgent"
        'Get-IssueWorktree 2'     = $baseMoves
        'Sync-IssueWorktree 1'    = $baseMoves
        'Sync-IssueWorktree 3'    = $baseMoves
        'Remove-IssueWorktree 2'  = "Set-Content ../app-worktrees/issue-102/draft.txt 'unsaved work'"
        'Remove-IssueWorktree 4'  = "New-Item -ItemType Directory ../app-worktrees/issue-104/data, ../restored-104 -Force; Set-Content ../app-worktrees/issue-104/data/notes.db 'local notes'; Remove-IssueWorktree 104 -Force 3>`$null"
        'Repair-IssueWorktree 2'  = 'New-IssueWorktree 7'
        'Restart-DevServer 1'     = 'Start-DevServer 101'
        'Restart-DevServer 2'     = 'Start-DevServer 101'
        'Stop-DevServer 1'        = 'Start-DevServer 101'
        'Stop-DevServer 2'        = 'Start-DevServer 101, 102'
        'Stop-DevServer 3'        = 'Start-DevServer 102'
        'Stop-IssueAgent 1'       = "Start-IssueAgent 101 -Prompt 'Fix the login'"
        'Wait-IssueAgent 1'       = "101, 102, 103 | ForEach-Object { Start-IssueAgent `$_ -Prompt 'work' }"
        'Wait-IssueAgent 3'       = "Start-IssueAgent 104 -Prompt 'work'"
        'New-WorktreeConfig 1'    = 'Remove-Item .worktree-tools.yml -Force'
        'New-WorktreeConfig 3'    = 'Remove-Item .worktree-tools.yml -Force'
        # Inside an agent run (its hook): WORKTREE_AGENT_ID names the run.
        'Set-IssueAgentState 1'   = "`$env:WORKTREE_AGENT_ID = (Start-IssueAgent 101 -Prompt 'work' | Wait-IssueAgent).Id"
        'Set-IssueAgentState 3'   = "Start-IssueAgent 101 -Prompt 'work' | Wait-IssueAgent"
    }
    $pages = foreach ($page in Get-ChildItem (Join-Path $PSScriptRoot '..' '..' 'docs') -Filter '*-*.md' | Sort-Object Name) {
        $name = $page.BaseName
        $examples = foreach ($m in [regex]::Matches((Get-Content -Raw $page.FullName), '(?ms)^### Example (?<n>\d+): (?<title>[^\r\n]+)\s*```powershell\r?\n(?<code>.*?)```')) {
            $key = "$name $($m.Groups['n'].Value)"
            @{ Key = $key; Number = [int]$m.Groups['n'].Value; Title = $m.Groups['title'].Value; Code = $m.Groups['code'].Value
               Arrange = $arrange[$key]; Skip = $notInSandbox[$key] }
        }
        @{ Page = $name; Examples = @($examples) }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Sandbox.ps1')
    $bin = New-Item -ItemType Directory -Path (Join-Path $SandboxRoot 'bin')
    Set-Content -LiteralPath (Join-Path $bin 'pnpm') -Value @'
#!/bin/sh
# A stand-in for pnpm: install and the scripts succeed, dev runs the server.
case "$1" in
  install) exit 0 ;;
  dev) exec node server.js ;;
  --filter) shift 2; [ "$1" = dev ] && exec node server.js; echo "pnpm --filter $*" ;;
  *) echo "pnpm $*" ;;
esac
'@
    $agent = @'
#!/bin/sh
# A stand-in for a coding agent: it commits its prompt (the last argument).
for prompt; do :; done
printf '%s\n' "$prompt" > "agent-$ISSUE_ID.md"
git add "agent-$ISSUE_ID.md" && git commit -q -m "Agent work on issue $ISSUE_ID"
'@
    foreach ($name in 'amp', 'claude', 'codex') { Set-Content -LiteralPath (Join-Path $bin $name) -Value $agent }
    chmod +x (Get-ChildItem $bin).FullName
    $savedPath = $env:PATH
    $env:PATH = "$bin$([IO.Path]::PathSeparator)$env:PATH"
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')

    <# A user folder with ~/src/app (and its origin) set up as the examples expect; returns the user folder. #>
    function New-ExampleSandbox {
        $user = Join-Path $SandboxRoot ([guid]::NewGuid().ToString('N').Substring(0, 8))
        $repo = Join-Path $user 'src' 'app'
        $origin = Join-Path $user 'src' 'app.git'
        git init -q --bare -b main $origin
        New-Item -ItemType Directory -Path $repo | Out-Null
        git -C $repo init -q -b main
        $files = @{
            'README.md'           = "# app`n"
            '.gitignore'          = ".env`ndata/*.db`nnode_modules/`n"
            '.env'                = "PORT=3000`n"
            'server.js'           = "require('http').createServer((q, r) => r.end('issue ' + process.env.ISSUE_ID)).listen(process.env.PORT, '127.0.0.1');`n"
            'prompts/refactor.md' = "Refactor the login module.`n"
            'prompts/101.md'      = "Fix the login timeout.`n"
            'prompts/102.md'      = "Add input validation.`n"
            '.worktree-tools.yml' = "setup: { install: pnpm install }`nenv: { set: { PORT: '{port.web}' } }`nports: { web: 18001-18999 }`ndevServer: { command: pnpm dev }`nmerge: { test: pnpm test }`n"
        }
        foreach ($path in $files.Keys) { Set-SandboxFile $repo $path $files[$path] }
        git -C $repo add -A
        git -C $repo commit -q -m 'initial'
        git -C $repo remote add origin $origin
        git -C $repo push -q -u origin main 2>$null
        git -C $repo push -q origin main:develop main:release/1.4 2>$null
        git -C $repo fetch -q origin
        git -C $repo branch -q develop origin/develop
        git -C $repo branch -q release/1.4 origin/release/1.4
        Approve-WorktreeConfig -Repository $repo -Confirm:$false | Out-Null
        foreach ($worktree in New-IssueWorktree -Issue (101..106) -Repository $repo) {
            foreach ($n in 1, 2) {
                Set-SandboxFile $worktree.Path "issue-$($worktree.Issue)-$n.txt" "work $n of issue $($worktree.Issue)`n"
                git -C $worktree.Path add -A
                git -C $worktree.Path commit -q -m "Issue $($worktree.Issue): step $n"
            }
        }
        $user
    }
}

AfterAll {
    $env:PATH = $savedPath
    foreach ($repo in Get-ChildItem -Path $SandboxRoot -Directory | ForEach-Object { Join-Path $_.FullName 'src' 'app' } | Where-Object { Test-Path $_ }) {
        Get-IssueAgent -Repository $repo -ErrorAction Ignore | Where-Object IsRunning | Stop-IssueAgent -Confirm:$false -ErrorAction Ignore
    }
    Remove-Sandbox
}

Describe 'The help examples of <Page>' -ForEach $pages -Skip:$noNode {
    BeforeAll {
        $user = New-ExampleSandbox
        $repo = Join-Path $user 'src' 'app'
        $toRun = @($Examples | Where-Object { -not $_.Skip })
        $savedHome = $env:HOME
        $env:HOME = $user
        try {
            # One fresh pwsh for the page: each example in its own scope, from ~/src/app, in the order of the page.
            $outcomes = & $pwsh -NoProfile -NonInteractive -Command {
                param($Manifest, $Repository, $Examples)
                Import-Module $Manifest -ErrorAction Stop
                $ErrorActionPreference = 'Stop'
                $ConfirmPreference = 'None'
                $PSNativeCommandUseErrorActionPreference = $true
                foreach ($example in $Examples) {
                    Set-Location $Repository
                    $outcome = [pscustomobject]@{ Key = $example.Key; Error = $null }
                    try {
                        if ($example.Arrange) { & ([scriptblock]::Create($example.Arrange)) | Out-Null }
                        & ([scriptblock]::Create($example.Code)) | Out-String -Width 200 | Out-Null
                    }
                    catch { $outcome.Error = "$($_.FullyQualifiedErrorId): $_" }
                    $outcome
                }
            } -args $ModuleManifest, $repo, $toRun
        }
        finally { $env:HOME = $savedHome }
        $outcomes = @($outcomes | Where-Object Key)
        Get-DevServer -Repository $repo -ErrorAction Ignore | Where-Object IsRunning | Stop-DevServer -Confirm:$false -ErrorAction Ignore
    }

    It 'Example <Number>: <Title>' -ForEach $Examples {
        if ($Skip) { Set-ItResult -Skipped -Because "it cannot run in a sandbox: $Skip" }
        $outcome = $outcomes | Where-Object Key -EQ $Key
        $outcome | Should -Not -BeNullOrEmpty -Because 'the example ran'
        $outcome.Error | Should -BeNullOrEmpty -Because "$Code"
    }
}
