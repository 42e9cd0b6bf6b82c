#Requires -Version 7.4
# Pester 5, real pwsh. In pwsh -NonInteractive a confirmation prompt cannot be shown: every cmdlet that asks
# fails the way PowerShell's own cmdlets do (InvalidOperation, as Remove-Item -Confirm does), never as
# "WorktreeTools failed unexpectedly", and changes nothing. Needs git and node.

BeforeDiscovery {
    $noNode = -not (Get-Command node -ErrorAction Ignore)
    $commands = @(
        'New-IssueWorktree 2 -NoInstall -Confirm'
        'Remove-IssueWorktree 1'
        'Sync-IssueWorktree 1 -NoFetch -Confirm'
        'Merge-IssueWorktree 1 -NoFetch -NoTest -Confirm'
        'Start-DevServer 3 -Confirm'
        'Restart-DevServer 1 -Confirm'
        'Stop-DevServer 1 -Confirm'
        "Start-IssueAgent 3 -Prompt 'work' -Agent 'node agent.js {prompt}' -Confirm"
        'Stop-IssueAgent 1 -Confirm'
        'Approve-WorktreeConfig -Confirm'
        'New-WorktreeConfig -Force -Confirm'
        'Repair-IssueWorktree -Confirm'
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Sandbox.ps1')
    $script:repo = New-SandboxRepository -Files @{
        '.worktree-tools.yml' = "ports: { web: 16301-16399 }`ndevServer: { command: node server.js }`n"
        'server.js'           = "require('http').createServer((q, r) => r.end('ok')).listen(process.env.PORT, '127.0.0.1');`n"
        'agent.js'            = "setTimeout(() => {}, 300000);`n"
    }
    Set-Location $repo
    Approve-WorktreeConfig -Confirm:$false | Out-Null
    $null = New-IssueWorktree -Issue 1, 3 -NoInstall -Confirm:$false
    $server = Start-DevServer 1 -Confirm:$false
    $run = Start-IssueAgent 1 -Prompt 'work' -Agent 'node agent.js {prompt}' -Confirm:$false
    # A change to the configuration's commands, so that Approve-WorktreeConfig has something to ask about.
    Set-SandboxFile $repo '.worktree-tools.yml' "ports: { web: 16301-16399 }`ndevServer: { command: node server.js }`nsetup: { install: echo changed }`n"
    git -C $repo commit -q -am 'install command'
    $configText = Get-Content -Raw (Join-Path $repo '.worktree-tools.yml')
    $main = git -C $repo rev-parse main
}

AfterAll {
    Get-IssueAgent -ErrorAction Ignore | Where-Object IsRunning | Stop-IssueAgent -Confirm:$false
    Remove-Sandbox
}

Describe 'A confirmation prompt in pwsh -NonInteractive' -ForEach @(@{ Commands = $commands }) -Skip:$noNode {
    BeforeAll {
        $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        # One fresh pwsh -NonInteractive (the sandbox's environment is inherited) runs them all; a script block makes
        # it return objects.
        $outcomes = & $pwsh -NoProfile -NonInteractive -Command {
            param($Manifest, $Repository, $Commands)
            Import-Module $Manifest -ErrorAction Stop
            Set-Location $Repository
            $ErrorActionPreference = 'Stop'
            foreach ($command in $Commands) {
                $outcome = [pscustomobject]@{ Command = $command; ErrorId = $null; Category = $null; Message = $null }
                try { & ([scriptblock]::Create($command)) | Out-Null }
                catch { $outcome.ErrorId = $_.FullyQualifiedErrorId; $outcome.Category = "$($_.CategoryInfo.Category)"; $outcome.Message = "$_" }
                $outcome
            }
        } -args $ModuleManifest, $repo, $Commands
        $outcomes = @($outcomes | Where-Object Command)
    }

    It '<_> fails with InvalidOperation, as PowerShell''s own cmdlets do' -ForEach $Commands {
        $outcome = $outcomes | Where-Object Command -EQ $_
        $outcome | Should -Not -BeNullOrEmpty
        $cmdlet = ($_ -split ' ')[0] -replace '-', ''
        $outcome.ErrorId | Should -Be "InvalidOperation,WorktreeTools.Commands.${cmdlet}Command" -Because $outcome.Message
        $outcome.Category | Should -Be 'InvalidOperation'
    }

    It 'changes nothing' {
        (Get-IssueWorktree).Issue | Should -Be @('1', '3')
        git -C $repo rev-parse main | Should -Be $main
        $servers = @(Get-DevServer)
        $servers.Issue | Should -Be @('1')
        $servers[0].Pid | Should -Be $server.Pid
        $servers[0].IsRunning | Should -BeTrue
        $runs = @(Get-IssueAgent)
        $runs.Id | Should -Be @($run.Id)
        $runs[0].IsRunning | Should -BeTrue
        Get-ChildItem $env:WORKTREE_TOOLS_HOME -Recurse -Filter trust.json | Get-Content -Raw | Should -Not -Match 'echo changed'
        Get-Content -Raw (Join-Path $repo '.worktree-tools.yml') | Should -Be $configText
    }
}
