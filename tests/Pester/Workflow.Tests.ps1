#Requires -Version 7.4
# Pester 5, real pwsh. The workflow document end to end, as a user types it: three issues from the pipeline,
# a dev server each answering on its own port, an agent run that commits, a merge train behind a test gate,
# a forced removal and getting the work back — and what only a real pwsh shows: rendering at 80 columns,
# Invoke-WebRequest, ForEach-Object -Parallel, -ErrorAction, $PSStyle.

BeforeDiscovery {
    $noNode = -not (Get-Command node -ErrorAction Ignore)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Sandbox.ps1')
    $script:repo = New-SandboxRepository -Name 'asyncAgent' -Files @{
        '.env'                = "PORT=3000`nDATABASE_URL=file:./data/agent.db`n"
        '.worktree-tools.yml' = @"
env:
  set: { PORT: "{port.web}" }
  replace: [ { pattern: 'agent\.db', with: 'agent-issue-{issue}.db' } ]
ports: { web: $(Get-SandboxPortRange) }
devServer: { command: node server.js, ready: { port: web, timeoutSec: 30 } }
"@
        'server.js'           = @'
require('http').createServer((q, r) => r.setHeader('Content-Type', 'text/plain').end('issue ' + process.env.ISSUE_ID + ' on port ' + process.env.PORT + '\n'))
  .listen(process.env.PORT, '127.0.0.1');
'@
        'test.js'             = @'
// The project's test: every issue-*.txt file says which issue it belongs to.
const fs = require('fs');
for (const f of fs.readdirSync('.').filter(f => /^issue-\d+\.txt$/.test(f)))
  if (!fs.readFileSync(f, 'utf8').includes(f.slice(6, -4))) { console.error('bad ' + f); process.exit(1); }
console.log('ok');
'@
    }
    # .env is ignored (as in real projects), so it is copied from the main checkout, not checked out.
    Set-SandboxFile $repo '.env' "PORT=3000`nDATABASE_URL=file:./data/agent.db`n"
    Set-Location $repo
    Approve-WorktreeConfig -Confirm:$false | Out-Null
}

AfterAll { Remove-Sandbox }

Describe 'The three-issue workflow in real pwsh' {
    It 'creates three issues from the pipeline, each with its own port and .env' {
        $script:worktrees = 101, 102, 103 | New-IssueWorktree -NoInstall
        $worktrees.Issue | Should -Be @('101', '102', '103')
        $ports = $worktrees | ForEach-Object { $_.Ports['web'] }
        @($ports | Sort-Object -Unique).Count | Should -Be 3
        foreach ($w in $worktrees) {
            $env = Get-Content -Raw -LiteralPath $w.EnvFile
            $env | Should -Match "PORT=$($w.Ports['web'])"
            $env | Should -Match "agent-issue-$($w.Issue)\.db"
        }
    }

    It 'binds issue numbers from an issue tracker''s JSON' {
        # gh issue list --json number | ConvertFrom-Json | ... gives objects with a numeric Number property.
        $fromTracker = '[{"number":101},{"number":102}]' | ConvertFrom-Json
        ($fromTracker | Get-IssueWorktree).Issue | Should -Be @('101', '102')
    }

    It 'starts a dev server per issue that answers on its own port' -Skip:$noNode {
        $servers = $worktrees | Start-DevServer
        $servers.Count | Should -Be 3
        foreach ($w in $worktrees) {
            $port = $w.Ports['web']
            (Invoke-WebRequest -Uri "http://127.0.0.1:$port/" -TimeoutSec 10).Content | Should -Be "issue $($w.Issue) on port $port`n"
        }
        (Get-DevServer).State | Should -Be @('Running', 'Running', 'Running')
    }

    It 'shows the status table at 80 columns with the issue, branch and changes in view' {
        $text = Get-IssueWorktree | Format-Table | Out-String -Width 80
        foreach ($line in $text -split "`n") { $line.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $text | Should -Match '101'
        $text | Should -Match '103'
    }

    It 'lets an agent work in an issue and commit' -Skip:$noNode {
        $agent = Join-Path $SandboxRoot 'agent.js'
        Set-Content -LiteralPath $agent -Value @'
// A stand-in agent: writes the file the prompt asks for and commits it, in the worktree it runs in.
const { execFileSync } = require('child_process');
const fs = require('fs');
const issue = process.env.ISSUE_ID;
fs.writeFileSync(`issue-${issue}.txt`, `work for ${issue}: ${process.argv[2]}\n`);
execFileSync('git', ['add', '-A']);
execFileSync('git', ['commit', '-q', '-m', `feat(issue-${issue}): ${process.argv[2]}`]);
console.log('done');
'@
        $run = Start-IssueAgent 101 -Prompt 'fix the login; rm -rf / #not a shell' -Agent "node `"$agent`" {prompt}"
        $done = $run | Wait-IssueAgent -Timeout 60
        $done.ExitCode | Should -Be 0
        git -C $worktrees[0].Path log -1 --format=%s | Should -Be 'feat(issue-101): fix the login; rm -rf / #not a shell'
    }

    It 'runs commands in each issue''s worktree in parallel runspaces' {
        $manifest = $ModuleManifest
        $results = 102, 103 | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:manifest
            Set-Location $using:repo
            Invoke-IssueCommand $_ -Command "echo work for $_ > issue-$_.txt && git add -A && git commit -q -m 'feat(issue-$_): work' && git rev-parse --abbrev-ref HEAD"
        }
        $results | Sort-Object | Should -Be @('feature/issue-102', 'feature/issue-103')
    }

    It 'merges the train behind a test gate, tested once as a batch, and main moves once, to the tested commit' -Skip:$noNode {
        $before = git rev-parse main
        $moves = @(git reflog main).Count
        $results = Get-IssueWorktree | Merge-IssueWorktree -Test 'node test.js' -Confirm:$false
        $results.Status | Should -Be @('Merged', 'Merged', 'Merged')
        (git rev-list --count "$before..main") | Should -BeGreaterThan 2
        @($results.TestRun | Select-Object -Unique).Count | Should -Be 1
        $results[-1].TestedCommit | Should -Be (git rev-parse main)
        @(git reflog main).Count | Should -Be ($moves + 1)
        foreach ($i in 101, 102, 103) { git cat-file -e "main:issue-$i.txt" 2>$null; $LASTEXITCODE | Should -Be 0 }
        # The gate's verdict holds for what landed: a fresh clone of main passes the same test.
        $clone = Join-Path $SandboxRoot 'fresh-clone'
        git clone -q $repo $clone
        Push-Location $clone
        try { node test.js | Should -Be 'ok'; $LASTEXITCODE | Should -Be 0 } finally { Pop-Location }
    }

    It 'reports errors with stable ids that -ErrorAction controls' {
        { Get-IssueWorktree 999 -ErrorAction Stop } | Should -Throw -ErrorId 'IssueWorktreeNotFound*'
        $found = Get-IssueWorktree 999 -ErrorAction SilentlyContinue -ErrorVariable err
        $found | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'IssueWorktreeNotFound,*'
        { New-IssueWorktree '../x' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidIssueId*'
    }

    It 'renders plain text when $PSStyle asks for it' {
        $saved = $PSStyle.OutputRendering
        try {
            $PSStyle.OutputRendering = 'PlainText'
            Get-IssueWorktree | Format-Table | Out-String | Should -Not -Match "`e\["
        }
        finally { $PSStyle.OutputRendering = $saved }
    }

    It 'saves uncommitted work before a forced removal, and it can be got back' {
        $w = Get-IssueWorktree 103
        Set-Content -LiteralPath (Join-Path $w.Path 'draft.txt') -Value 'not committed yet'
        { Remove-IssueWorktree 103 -ErrorAction Stop } | Should -Throw -ErrorId 'IssueWorktreeDirty*'
        Test-Path (Join-Path $w.Path 'draft.txt') | Should -BeTrue

        Remove-IssueWorktree 103 -Force -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        Test-Path $w.Path | Should -BeFalse
        # The warning names the backup ref; the ref holds the draft.
        "$warned" -match 'saved as (refs/worktree-tools/backup/103/\S+?)\.? ' | Should -BeTrue
        $backup = $Matches[1]
        (git show "${backup}:draft.txt").Trim() | Should -Be 'not committed yet'
    }

    It 'cleans up what is merged, stopping its dev server first' {
        Get-IssueWorktree | Where-Object Merged | Remove-IssueWorktree -Confirm:$false
        Get-IssueWorktree | Should -BeNullOrEmpty
        Get-DevServer | Where-Object State -eq 'Running' | Should -BeNullOrEmpty
    }
}
