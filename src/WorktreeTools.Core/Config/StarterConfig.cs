namespace WorktreeTools.Core.Config;

/// <summary>The commented file New-WorktreeConfig writes. Every value shown is the default.</summary>
public static class StarterConfig
{
    public const string Text = """
# WorktreeTools configuration (https://github.com/ - see about_WorktreeTools).
# Every key is optional; the values shown are the defaults. Commands written here run only after
# each user approved them with Approve-WorktreeConfig.
# Tokens: {repo} {issue} {name} {branch} {base} {worktree} {database} {port.<name>} ({prompt} for agents).

worktrees:
  root: ../{repo}-worktrees          # where issue worktrees are created (relative to this folder)
  name: issue-{issue}                # folder name of one issue's worktree
  branch: feature/issue-{issue}      # branch of one issue
  base: main                         # branch new work starts from and merges back into
  remote: origin                     # fetched before creating and merging (ignored if absent)

setup:
  copy: [.env]                       # git-ignored files copied from the main checkout
  install: auto                      # auto = detect pnpm/npm/yarn/bun from the lockfile; none = never

env:
  file: .env                         # the file rewritten per issue
  example: .env.example              # used when the main checkout has no env file
  set: {}                            # KEY: value, e.g. PORT: "{port.web}"
  replace: []                        # - { pattern: 'agent\.db', with: 'agent-issue-{issue}.db' }

ports:
  web: 3001-3999                     # one port per name is leased for each issue

database:
  path: ~                            # per-issue database file, e.g. data/agent-issue-{issue}.db
  seed: ~                            # copy this database from the main checkout (SQLite backup), e.g. data/agent.db

devServer:
  command: auto                      # auto = the package.json "dev" script with the lockfile's package manager
  ready:
    port: web                        # ready when this port accepts connections
    pattern: ~                       # ...or when this regex appears in the log
    url: ~                           # ...or when this URL answers
    timeoutSec: 60
  stopTimeoutSec: 10                 # graceful stop, then forced

agent:
  default: amp                       # amp | claude | codex | custom
  command: ~                         # custom, e.g. 'my-agent --prompt {prompt}' ({prompt} is one argument)

merge:
  strategy: Merge                    # Merge | Squash | Rebase | CherryPick
  message: Merge issue-{issue}
  squashMessage: 'feat(issue-{issue}): {subject}'
  test: ~                            # gate, e.g. pnpm test
  afterMerge: ~                      # e.g. pnpm --filter backend db:push
  lockfiles:
    enabled: true
    files: [pnpm-lock.yaml, package-lock.json, yarn.lock, bun.lock, bun.lockb]
    regenerate: auto                 # auto = the detected package manager's install
  migrations:                        # migrations two issues added in parallel are renamed to apply in order
    directory: auto                  # auto = every folder named *migrat* and every Drizzle folder; none = off
    kind: auto                       # auto | numbered (0002_x.sql) | timestamp (20261129110000_x.sql) | prisma | drizzle
    pattern: auto                    # a migration's name with (?<n>...) around its version; auto = the kind's
    outOfOrder: auto                 # true = the tool applies older pending migrations; auto = false for numbered, drizzle
""";
}
