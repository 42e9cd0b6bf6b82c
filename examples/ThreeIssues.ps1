<#
.SYNOPSIS
    The workflow document's "three parallel issues", end to end, in a sandbox repository that it leaves in place.
.DESCRIPTION
    A small npm project (a dev server, a test, a local package, numbered migrations, a seed SQLite database) and
    the whole workflow on it:
      - three issue worktrees from the pipeline, each with its own rewritten .env, port, seeded database copy
        and its dependencies installed by real npm (the repository's commands approved first, as a user would);
      - a dev server per issue, each answering on its own port;
      - an agent run per issue (a stand-in agent: a small node script with the agent's real interface, a
        command line with the prompt as one argument) that commits work, two of them colliding;
      - the forecast: which pairs will collide, and what a merge train would do, before anything moves;
      - the train, gated by `npm test` in a staging checkout with its own install; the migrations renumbered
        by policy, the real conflict ejected, main moving only to tested results; a fresh clone passes the gate;
      - clean-up of what was merged, servers stopped.
    Touches nothing outside the sandbox (its own WORKTREE_TOOLS_HOME); the sandbox stays for you to look at.
    Run it in pwsh 7.4+, or with the pinned one:
        dotnet tool restore && dotnet build && dotnet pwsh -NoProfile -File examples/ThreeIssues.ps1
#>
param([string] $Sandbox = (Join-Path ([IO.Path]::GetTempPath()) "worktreetools-demo-$(Get-Date -Format 'yyyyMMdd-HHmmss')"))

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module (Join-Path $PSScriptRoot '..' 'WorktreeTools.psd1') -Force

function Write-Step([string] $Text) { "`n== $Text" }
function Set-File([string] $Path, [string] $Text) {
    New-Item -ItemType Directory -Path (Split-Path $Path) -Force | Out-Null
    [IO.File]::WriteAllText($Path, $Text)
}

$repo = Join-Path $Sandbox 'asyncAgent'
New-Item -ItemType Directory -Path $repo -Force | Out-Null
$env:WORKTREE_TOOLS_HOME = Join-Path $Sandbox 'home'
$env:WORKTREE_TOOLS_CONFIG = Join-Path $Sandbox 'home' 'config.yml'
Push-Location $repo
try {
    # ---------------------------------------------------------------- the project
    git init -q -b main
    git config user.name 'Demo'; git config user.email 'demo@example.invalid'
    Set-File "$repo/.gitignore" "node_modules/`n.env`ndata/*.db`n"
    Set-File "$repo/.env" "PORT=3000`nDATABASE_URL=file:./data/agent.db`n"
    Copy-Item (Join-Path $PSScriptRoot 'seed' 'agent.db') (New-Item -ItemType Directory "$repo/data" -Force)
    Set-File "$repo/README.md" "# asyncAgent`n`nLogin times out after: 30 s`n"
    Set-File "$repo/migrations/0001_initial.sql" "CREATE TABLE notes(id INTEGER PRIMARY KEY, issue TEXT, text TEXT NOT NULL);`n"
    Set-File "$repo/packages/greeting/package.json" '{ "name": "greeting", "version": "1.0.0", "main": "index.js" }'
    Set-File "$repo/packages/greeting/index.js" "module.exports = issue => 'hello from issue ' + issue;`n"
    Set-File "$repo/package.json" @'
{
  "name": "asyncagent",
  "private": true,
  "scripts": { "dev": "node server.js", "test": "node test.js" },
  "dependencies": { "greeting": "file:packages/greeting" }
}
'@
    # The dev server: its issue, its port and its database, from the environment the issue's .env gives it.
    Set-File "$repo/server.js" @'
const greeting = require('greeting');
require('http').createServer((q, r) => r.setHeader('Content-Type', 'text/plain')
  .end(`${greeting(process.env.ISSUE_ID)} on port ${process.env.PORT}, database ${process.env.DATABASE_URL}\n`))
  .listen(process.env.PORT, '127.0.0.1');
'@
    # The test: needs the installed dependency, and every issue-*.txt must name its own issue.
    Set-File "$repo/test.js" @'
const fs = require('fs');
require('greeting');
for (const f of fs.readdirSync('.').filter(f => /^issue-\d+\.txt$/.test(f)))
  if (!fs.readFileSync(f, 'utf8').includes(f.slice(6, -4))) { console.error('bad ' + f); process.exit(1); }
console.log('ok');
'@
    Set-File "$repo/.worktree-tools.yml" @'
env:
  set: { PORT: "{port.web}" }
  replace: [ { pattern: 'agent\.db', with: 'agent-issue-{issue}.db' } ]
ports: { web: 3001-3999 }
database: { path: 'data/agent-issue-{issue}.db', seed: data/agent.db }
devServer: { command: npm run dev, ready: { port: web, timeoutSec: 60 } }
merge:
  test: npm test
  migrations: { directory: migrations }
'@
    npm install --silent --no-audit --no-fund | Out-Null     # writes package-lock.json
    git add -A; git commit -q -m 'Initial commit'

    Write-Step "Approve-WorktreeConfig: the repository's commands run only once you approved them"
    Approve-WorktreeConfig -PassThru -Confirm:$false | Format-Table | Out-String -Width 120

    # ---------------------------------------------------------------- three issues, isolated
    Write-Step '101, 102, 103 | New-IssueWorktree   (worktree, branch, .env, port, database copy, npm install)'
    $worktrees = 101, 102, 103 | New-IssueWorktree
    $worktrees | Format-Table | Out-String -Width 120

    Write-Step '.env of issue 101 (copied from the main checkout, rewritten for the issue)'
    Get-Content -Raw $worktrees[0].EnvFile

    Write-Step 'Start-DevServer: one per issue, detached, each on its own port'
    $worktrees | Start-DevServer | Format-Table | Out-String -Width 120
    foreach ($w in $worktrees) { Invoke-RestMethod "http://127.0.0.1:$($w.Ports['web'])/" }

    # ---------------------------------------------------------------- agents at work
    Write-Step 'Start-IssueAgent: an agent per issue (a stand-in: node agent.js {prompt})'
    $agent = Join-Path $Sandbox 'agent.js'
    Set-File $agent @'
// A stand-in agent with a real agent's interface: the prompt is one argument, it works in the issue's worktree
// with the issue's environment, and commits. 101 and 102 each add migration 0002; 101 and 103 change the same line.
const { execFileSync } = require('child_process');
const fs = require('fs');
const issue = process.env.ISSUE_ID, prompt = process.argv[2];
const git = (...a) => execFileSync('git', a, { stdio: 'inherit' });
fs.writeFileSync(`issue-${issue}.txt`, `issue ${issue}: ${prompt}\n`);
if (issue !== '103') fs.writeFileSync(`migrations/0002_issue-${issue}.sql`, `ALTER TABLE notes ADD COLUMN issue_${issue} TEXT;\n`);
if (issue !== '102') fs.writeFileSync('README.md', fs.readFileSync('README.md', 'utf8').replace('30 s', issue === '101' ? '60 s' : '45 s'));
git('add', '-A');
git('commit', '-q', '-m', `feat(issue-${issue}): ${prompt}`);
console.log(`issue ${issue} done`);
'@
    $runs = foreach ($w in $worktrees) { Start-IssueAgent $w.Issue -Prompt "Fix the login timeout for issue $($w.Issue)" -Agent "node `"$agent`" {prompt}" }
    $runs | Wait-IssueAgent -Timeout 120 | Format-Table | Out-String -Width 120

    Write-Step 'Get-IssueWorktree: the screen you look at all day'
    Get-IssueWorktree | Format-Table | Out-String -Width 120

    # ---------------------------------------------------------------- know before you merge
    Write-Step 'Get-IssueConflict: which pairs will collide, before anyone merges'
    Get-IssueConflict | Format-Table | Out-String -Width 120

    Write-Step 'Merge-IssueWorktree -WhatIf: what the train would do, each issue on top of the ones before it'
    $forecast = Get-IssueWorktree | Merge-IssueWorktree -WhatIf -ContinueOnError
    $forecast | Format-Table | Out-String -Width 120

    # ---------------------------------------------------------------- the train
    Write-Step 'Merge-IssueWorktree: a train gated by npm test (install in a clean staging checkout); main moves only to tested results'
    $results = Get-IssueWorktree | Merge-IssueWorktree -ContinueOnError -Confirm:$false
    $results | Format-Table | Out-String -Width 120
    foreach ($r in $results) { "{0}: {1} — {2}" -f $r.Issue, $r.Status, $r.Message }
    git log --oneline --graph main
    # The forecast told the truth: every WouldMerge merged, every WouldConflict conflicted.
    $expected = @{ WouldMerge = 'Merged'; WouldConflict = 'Conflicted' }
    foreach ($f in $forecast) {
        $real = $results | Where-Object Issue -EQ $f.Issue
        if ($real.Status -ne $expected["$($f.Status)"]) { throw "Issue $($f.Issue): forecast $($f.Status), the real train gave $($real.Status): $($real.Message)" }
    }

    Write-Step 'A fresh clone of main passes the same gate'
    $clone = Join-Path $Sandbox 'fresh-clone'
    git clone -q $repo $clone
    Push-Location $clone
    try {
        npm install --silent --no-audit --no-fund | Out-Null
        npm test --silent
        if ($LASTEXITCODE -ne 0) { throw "npm test failed in a fresh clone of main (exit $LASTEXITCODE)" }
    }
    finally { Pop-Location }

    # ---------------------------------------------------------------- clean up
    Write-Step 'Get-IssueWorktree | Where-Object Merged | Remove-IssueWorktree   (servers stopped first)'
    Get-IssueWorktree | Where-Object Merged | Remove-IssueWorktree -Confirm:$false
    Get-IssueWorktree | Format-Table | Out-String -Width 120
    Get-DevServer | Stop-DevServer -Confirm:$false
}
finally {
    Pop-Location
}
Write-Step "The sandbox stays for you to look at: $Sandbox"
"  Its state (leases, logs, approvals) is in $env:WORKTREE_TOOLS_HOME; no server is left running."
"  Remove it with: Remove-Item -Recurse -Force '$Sandbox'"
