-- Headless Neovim as a real LSP client of taskls, through the configs that
-- editors/nvim ships. Run by editors/nvim/test.sh, once per (Neovim, mode):
--
--   nvim --headless -u NONE -i NONE -n -c 'luafile editors/nvim/test/run.lua'
--
-- Environment:
--   TASKLS_REPO         the repository root (examples/ and editors/nvim/ are in it)
--   TASKLS_NVIM_MODE    how taskls is set up, one of
--                         enable     lsp/taskls.lua + vim.lsp.enable (0.11+)
--                         lspconfig  lspconfig/taskls.lua as an nvim-lspconfig lsp/ config (0.11+)
--                         setup      require('taskls').setup() (0.7+)
--                         readme     the Neovim 0.7 block of editors/nvim/README.md (0.7+)
--   TASKLS_RESULT       file to write one line per check to ("ok - ..." / "not ok - ...")
--   TASKLS_TMP          a scratch folder for files outside any .tasks/ folder
-- `taskls` must be on PATH: the configs start { 'taskls', 'serve' }.
--
-- Exit status: 0 when every check passed, 1 when one failed, 3 on the
-- watchdog's time-out. Works on Neovim 0.7 (LuaJIT, no vim.fs) and later.

local MODE = assert(os.getenv('TASKLS_NVIM_MODE'), 'TASKLS_NVIM_MODE is not set')
local REPO = assert(os.getenv('TASKLS_REPO'), 'TASKLS_REPO is not set')
local RESULT = assert(os.getenv('TASKLS_RESULT'), 'TASKLS_RESULT is not set')
local TMP = assert(os.getenv('TASKLS_TMP'), 'TASKLS_TMP is not set')
local NVIM_DIR = REPO .. '/editors/nvim'
local EXAMPLES = REPO .. '/examples'

local WATCHDOG_MS = 90000 -- the whole run
local START_MS = 15000 -- server start, first diagnostics
local STEP_MS = 10000 -- one request or reaction

local uv = vim.uv or vim.loop
local out = assert(io.open(RESULT, 'w'))
local passed, failed = 0, 0
local finished = false

local version = vim.version()
local vstr = string.format('%d.%d.%d', version.major, version.minor, version.patch)
local function label(name)
  return string.format('nvim %s [%s] %s', vstr, MODE, name)
end

local function record(ok, name, detail)
  if ok then
    passed = passed + 1
    out:write('ok - ', label(name), '\n')
  else
    failed = failed + 1
    out:write('not ok - ', label(name), '\n')
    for line in tostring(detail):gmatch('[^\n]+') do
      out:write('    ', line, '\n')
    end
  end
  out:flush()
end

local function taskls_clients()
  local list = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, c in pairs(all) do
    if c.name == 'taskls' then
      list[#list + 1] = c
    end
  end
  return list
end

local function stop(client)
  if vim.fn.has('nvim-0.11') == 1 then
    client:stop()
  else
    vim.lsp.stop_client(client.id)
  end
end

local function finish()
  if finished then
    return
  end
  finished = true
  for _, c in ipairs(taskls_clients()) do
    stop(c)
  end
  vim.wait(5000, function()
    return #taskls_clients() == 0
  end, 20)
  out:write(string.format('# nvim %s [%s]: %d passed, %d failed\n', vstr, MODE, passed, failed))
  out:close()
  if failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

-- A broken server must fail the run, never hang it.
local watchdog = uv.new_timer()
watchdog:start(WATCHDOG_MS, 0, vim.schedule_wrap(function()
  if not finished then
    record(false, 'watchdog', 'the run took longer than ' .. WATCHDOG_MS .. ' ms')
    finished = true
    out:close()
    vim.cmd('cquit 3')
  end
end))

local function check(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  record(ok, name, err)
  return ok
end

local function wait_for(ms, what, cond)
  if not vim.wait(ms, cond, 20) then
    error('timed out after ' .. ms .. ' ms waiting for ' .. what, 2)
  end
end

local function eq(got, want, what)
  if got ~= want then
    error(string.format('%s: got %s, want %s', what, vim.inspect(got), vim.inspect(want)), 2)
  end
end

local function read_file(path)
  local f = assert(io.open(path, 'r'))
  local s = f:read('*a')
  f:close()
  return s
end

-- Opens a file in the current window and returns its buffer.
local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

local function attached(bufnr)
  local list = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(all) do
    list[#list + 1] = c
  end
  return list
end

-- Waits until taskls is attached to bufnr and initialized; returns the client.
local function wait_attached(bufnr)
  local client
  wait_for(START_MS, 'taskls to attach to ' .. vim.api.nvim_buf_get_name(bufnr), function()
    for _, c in ipairs(attached(bufnr)) do
      if c.name == 'taskls' and c.server_capabilities and c.initialized ~= false then
        client = c
        return true
      end
    end
    return false
  end)
  return client
end

-- The 0-based row and column of `token` on the first line that contains
-- `token` at or after the first line containing `anchor`.
local function locate(bufnr, anchor, token)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local from
  for i, l in ipairs(lines) do
    if l:find(anchor, 1, true) then
      from = i
      break
    end
  end
  assert(from, 'no line contains ' .. vim.inspect(anchor))
  for i = from, #lines do
    local col = lines[i]:find(token, 1, true)
    if col then
      return i - 1, col - 1
    end
  end
  error('no ' .. vim.inspect(token) .. ' after ' .. vim.inspect(anchor))
end

local function floating_windows()
  local wins = {}
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      wins[#wins + 1] = w
    end
  end
  return wins
end

local function diag_code(d)
  if d.code ~= nil then
    return d.code
  end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code
end

local TASK = {
  T004 = EXAMPLES .. '/.tasks/tasks/T004-layout-templates.md',
  T005 = EXAMPLES .. '/.tasks/tasks/T005-incremental-rebuilds.md',
  T007 = EXAMPLES .. '/.tasks/tasks/T007-asset-fingerprints.yaml',
  T010 = EXAMPLES .. '/.tasks/tasks/T010-sitemap.md',
  T011 = EXAMPLES .. '/.tasks/tasks/T011-search-index.yaml',
}
local manifest = vim.fn.json_decode(read_file(EXAMPLES .. '/.tasks/manifest.json'))
local function title_of(id)
  for _, t in ipairs(manifest.tasks) do
    if t.id == id then
      return t.title
    end
  end
end

-- ---------------------------------------------------------------------------
-- Set-up, as a user would write it in init.lua for this mode.

-- Settings a user might pass: they must reach the server, which then reports
-- dependency cycles as hints instead of errors.
local SETTINGS = { taskls = { checks = { cycle = 'hint' } } }
local uses_plugin_dir = MODE ~= 'lspconfig' -- editors/nvim on 'runtimepath'

local function readme_block(marker)
  local text = read_file(NVIM_DIR .. '/README.md')
  local after = text:find(marker, 1, true)
  assert(after, 'editors/nvim/README.md has no ' .. marker)
  local body = text:match('```lua\n(.-)\n```', after)
  assert(body, 'no ```lua block after ' .. marker .. ' in editors/nvim/README.md')
  return body
end

local setup_ok = check('set-up', function()
  require('vim.lsp.log').set_level('debug')
  if uses_plugin_dir then
    vim.opt.runtimepath:prepend(NVIM_DIR)
  end
  if MODE == 'enable' then
    assert(vim.lsp.config and vim.lsp.enable, 'vim.lsp.config needs Neovim 0.11+')
    vim.lsp.config('taskls', { settings = SETTINGS })
    vim.lsp.enable('taskls')
  elseif MODE == 'lspconfig' then
    assert(vim.lsp.config and vim.lsp.enable, 'vim.lsp.config needs Neovim 0.11+')
    -- nvim-lspconfig ships its configs in an lsp/ folder on 'runtimepath'
    local dir = TMP .. '/lspconfig-rtp'
    vim.fn.mkdir(dir .. '/lsp', 'p')
    local dst = dir .. '/lsp/taskls.lua'
    os.remove(dst)
    assert(uv.fs_symlink(NVIM_DIR .. '/lspconfig/taskls.lua', dst))
    vim.opt.runtimepath:prepend(dir)
    vim.lsp.config('taskls', { settings = SETTINGS })
    vim.lsp.enable('taskls')
  elseif MODE == 'setup' then
    require('taskls').setup({ settings = SETTINGS })
  elseif MODE == 'readme' then
    local chunk = assert(loadstring(readme_block('<!-- test: nvim-0.7 -->'), 'editors/nvim/README.md'))
    chunk()
  else
    error('unknown TASKLS_NVIM_MODE ' .. MODE)
  end
  -- -u NONE leaves filetype detection off; an init.lua has it on
  vim.cmd('filetype on')
end)
if not setup_ok then
  finish()
  return
end

-- ---------------------------------------------------------------------------
-- Checks

if uses_plugin_dir then
  check('filetype: .yaml task files with front matter are markdown, pure YAML stays yaml', function()
    eq(vim.bo[open(TASK.T007)].filetype, 'markdown', 'filetype of T007-asset-fingerprints.yaml')
    eq(vim.bo[open(TASK.T011)].filetype, 'yaml', 'filetype of T011-search-index.yaml (pure YAML)')
    eq(vim.bo[open(TASK.T010)].filetype, 'markdown', 'filetype of T010-sitemap.md')
    local outside = TMP .. '/plain/config.yaml'
    vim.fn.mkdir(TMP .. '/plain', 'p')
    vim.fn.writefile({ '---', 'a: 1', '---', '# not a task' }, outside)
    eq(vim.bo[open(outside)].filetype, 'yaml', 'filetype of a .yaml file outside .tasks/')
  end)
end

local t010, client
local attached_ok = check('attaches to a task file, rooted at the folder that holds .tasks/', function()
  t010 = open(TASK.T010)
  client = wait_attached(t010)
  eq(#taskls_clients(), 1, 'number of taskls clients')
  local root = client.root_dir or client.config.root_dir
  eq(root, EXAMPLES, 'client root_dir')
  local folders = client.workspace_folders or client.config.workspace_folders
  eq(folders and folders[1] and folders[1].uri, vim.uri_from_fname(EXAMPLES), 'first workspace folder')
end)
if not attached_ok then
  finish() -- every check below needs the server
  return
end

if MODE ~= 'readme' then -- the README block passes no settings
  check('settings reach the server: cycle = hint makes the T007 cycle a hint', function()
    local buf = open(TASK.T007)
    local function has_hint()
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        if diag_code(d) == 'cycle' and d.severity == vim.diagnostic.severity.HINT then
          return true
        end
      end
      return false
    end
    if not vim.wait(START_MS, has_hint, 20) then
      error('no cycle diagnostic of severity HINT on T007 after ' .. START_MS .. ' ms; T007 has: '
        .. vim.inspect(vim.diagnostic.get(buf)))
    end
    -- how they got there, as the client logged its messages before sending them
    local log = read_file(require('vim.lsp.log').get_filename())
    local function sent(method)
      for entry in log:gmatch('[^\n]*rpc%.send[^\n]*') do
        if entry:find('method = "' .. method .. '"', 1, true) then
          return entry
        end
      end
      error('no ' .. method .. ' in ' .. require('vim.lsp.log').get_filename())
    end
    local want = 'cycle = "hint"'
    local change = sent('workspace/didChangeConfiguration')
    assert(change:find(want, 1, true), 'didChangeConfiguration lacks the settings: ' .. change)
    -- lspconfig/taskls.lua is the plain upstream config: no initializationOptions
    if MODE ~= 'lspconfig' then
      local opts = sent('initialize'):match('initializationOptions = (%b{})')
      assert(opts and opts:find(want, 1, true), 'initialize has no initializationOptions with the settings')
    end
  end)
end

check('diagnostic: unknown task ID T099 in T010-sitemap.md', function()
  local want = 'unknown task ID T099 (did you mean T009?)'
  local hits
  wait_for(START_MS, 'the unknown-id diagnostic', function()
    hits = {}
    for _, d in ipairs(vim.diagnostic.get(t010)) do
      if d.message == want then
        hits[#hits + 1] = d
      end
    end
    return #hits > 0
  end)
  eq(#hits, 1, 'number of diagnostics with that message')
  local d = hits[1]
  local row, col = locate(t010, 'dependencies: [T004, T099]', 'T099')
  eq(d.lnum, row, 'line')
  eq(d.col, col, 'column')
  eq(d.end_col, col + 4, 'end column')
  eq(d.severity, vim.diagnostic.severity.ERROR, 'severity')
  eq(d.source, 'taskls', 'source')
  eq(diag_code(d), 'unknown-id', 'code')
end)

check('completion in a dependency list offers the other task IDs with titles', function()
  vim.api.nvim_set_current_buf(t010)
  local row, col = locate(t010, 'dependencies: [T004, T099]', 'T004') -- right after "["
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(t010) },
    position = { line = row, character = col },
    context = { triggerKind = 1 },
  }
  local responses = vim.lsp.buf_request_sync(t010, 'textDocument/completion', params, STEP_MS)
  assert(responses, 'no answer to textDocument/completion within ' .. STEP_MS .. ' ms')
  local res = responses[client.id]
  assert(res and res.result, 'completion failed: ' .. vim.inspect(res))
  local items = res.result.items or res.result
  local labels, by_label = {}, {}
  for _, it in ipairs(items) do
    labels[#labels + 1] = it.label
    by_label[it.label] = it
  end
  local want = { 'T001', 'T002', 'T003', 'T005', 'T006', 'T007', 'T008', 'T009', 'T011', 'T012', 'T013', 'T014', 'T015' }
  eq(table.concat(labels, ' '), table.concat(want, ' '), 'completion labels')
  for _, id in ipairs({ 'T002', 'T009', 'T012' }) do
    eq(by_label[id].detail, title_of(id), 'detail of ' .. id)
  end
end)

check('hover on a dependency ID shows its criteria progress (vim.lsp.buf.hover)', function()
  local buf = open(TASK.T007)
  wait_attached(buf)
  local row, col = locate(buf, 'dependencies: [T005, T008]', 'T005')
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 1 })
  -- the answer itself, so that a server that answers nothing fails at once
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = row, character = col + 1 },
  }, STEP_MS)
  assert(responses, 'no answer to textDocument/hover within ' .. STEP_MS .. ' ms')
  local res = responses[client.id] or {}
  assert(res.result and res.result.contents, 'hover answered no contents: ' .. vim.inspect(res))
  eq(res.result.contents.kind, 'markdown', 'hover contents kind')
  -- and what a user sees: the hover window
  vim.lsp.buf.hover()
  local float
  wait_for(STEP_MS, 'the hover window', function()
    float = floating_windows()[1]
    return float ~= nil
  end)
  local text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false), '\n')
  vim.api.nvim_win_close(float, true)
  for _, want in ipairs({ 'T005', title_of('T005'), '7/12 done', 'in_progress' }) do
    assert(text:find(want, 1, true), 'hover text lacks ' .. vim.inspect(want) .. ':\n' .. text)
  end
end)

check('definition jumps from a dependency ID to the id: line of that task (vim.lsp.buf.definition)', function()
  local buf = open(TASK.T005)
  wait_attached(buf)
  local row, col = locate(buf, 'dependencies:', 'T004')
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 1 })
  vim.lsp.buf.definition()
  wait_for(STEP_MS, 'the jump to T004-layout-templates.md', function()
    return vim.api.nvim_buf_get_name(0) == TASK.T004
  end)
  local want_row = locate(vim.api.nvim_get_current_buf(), 'id: T004', 'T004')
  eq(vim.api.nvim_win_get_cursor(0)[1], want_row + 1, 'cursor line after the jump')
end)

check('editing the buffer (T099 -> T009) clears the diagnostic', function()
  vim.api.nvim_set_current_buf(t010)
  local row, col = locate(t010, 'dependencies: [T004, T099]', 'T099')
  vim.api.nvim_buf_set_text(t010, row, col, row, col + 4, { 'T009' })
  wait_for(STEP_MS, 'the unknown-id diagnostic to go away', function()
    for _, d in ipairs(vim.diagnostic.get(t010)) do
      if diag_code(d) == 'unknown-id' then
        return false
      end
    end
    return true
  end)
  vim.cmd('silent! undo')
end)

check('one server for all task files of the workspace', function()
  open(EXAMPLES .. '/.tasks/manifest.json')
  local c = wait_attached(vim.api.nvim_get_current_buf())
  eq(c.id, client.id, 'client of manifest.json')
  eq(#taskls_clients(), 1, 'number of taskls clients')
end)

check('does not attach outside .tasks/ (README.md, package.json, x.tasks/, plain yaml)', function()
  vim.fn.mkdir(TMP .. '/x.tasks', 'p')
  vim.fn.writefile({ '---', 'id: T001', '---' }, TMP .. '/x.tasks/T001-a.md')
  vim.fn.mkdir(TMP .. '/plain', 'p')
  vim.fn.writefile({ 'id: T001' }, TMP .. '/plain/tasks.yaml')
  local files = {
    { EXAMPLES .. '/README.md', 'markdown' },
    { REPO .. '/e2e/package.json', 'json' },
    { TMP .. '/x.tasks/T001-a.md', 'markdown' },
    { TMP .. '/plain/tasks.yaml', 'yaml' },
  }
  for _, f in ipairs(files) do
    local buf = open(f[1])
    -- the FileType autocmds ran: the negative result below means something
    eq(vim.bo[buf].filetype, f[2], 'filetype of ' .. f[1])
    local any = vim.wait(300, function()
      return #attached(buf) > 0
    end, 20)
    if any then
      error('a client attached to ' .. f[1] .. ': ' .. attached(buf)[1].name)
    end
  end
  eq(#taskls_clients(), 1, 'number of taskls clients')
end)

check('the server stops on request', function()
  for _, c in ipairs(taskls_clients()) do
    stop(c)
  end
  wait_for(STEP_MS, 'taskls to exit', function()
    return #taskls_clients() == 0
  end)
end)

finish()
