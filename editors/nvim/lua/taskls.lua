-- taskls for Neovim 0.7 to 0.10 (it works on 0.11+ too, where
-- lsp/taskls.lua with vim.lsp.enable('taskls') is the simpler way).
--
--   require('taskls').setup({
--     cmd = { 'taskls', 'serve' },          -- the default
--     settings = { ... },                   -- optional, passed to the server
--     on_attach = function(client, bufnr) ... end,
--   })
--
-- setup() starts taskls from a FileType autocmd, only for buffers whose file
-- lies inside a `.tasks/` folder; the root is the folder that holds
-- `.tasks/`. One server runs per root, shared by all its buffers. It uses
-- vim.lsp.start on 0.8+, and vim.lsp.start_client + vim.lsp.buf_attach_client
-- on 0.7. It also sets up the filetype of `.yaml`/`.yml` task files (see
-- M.filetype_setup); pass detect_filetype = false to leave that alone.
local M = {}

M.defaults = {
  name = 'taskls',
  cmd = { 'taskls', 'serve' },
  filetypes = { 'markdown', 'yaml', 'json' },
  settings = {},
}

-- keys of setup()'s options that are ours, not the LSP client's
local own_keys = { filetypes = true, detect_filetype = true }

-- 0.7 only: the client started for each root
local clients_by_root = {}

--- The folder that holds the innermost `.tasks/` folder above `path`, or nil
--- when `path` is not inside a `.tasks/` folder (or is not a file on disk).
---@param path string
---@return string|nil
function M.root_dir(path)
  if path == nil or path == '' or path:match('^%a[%w+.-]*://') then
    return nil -- unnamed buffer, or a URI such as fugitive:// or oil://
  end
  path = path:gsub('\\', '/')
  local root = path:match('^(.*)/%.tasks/')
  if root == nil then
    return nil
  end
  if root == '' then
    return '/'
  end
  if root:match('^%a:$') then
    return root .. '/' -- a drive root on Windows
  end
  return root
end

-- The first lines of a buffer, or of the file when no buffer is given.
local function head(path, bufnr, n)
  if bufnr and bufnr > 0 and vim.api.nvim_buf_is_loaded(bufnr) then
    return vim.api.nvim_buf_get_lines(bufnr, 0, n, false)
  end
  local lines = {}
  local f = path and io.open(path, 'r')
  if f then
    for line in f:lines() do
      lines[#lines + 1] = line
      if #lines >= n then
        break
      end
    end
    f:close()
  end
  return lines
end

--- The filetype of a `.yaml`/`.yml` file inside `.tasks/`: 'markdown' for
--- Markdown with YAML front matter (or a Markdown body), nil for a pure YAML
--- document, which then keeps the filetype of its extension.
---@return string|nil
function M.detect(path, bufnr)
  local lines = head(path, bufnr, 400)
  local first = (lines[1] or ''):gsub('^\239\187\191', ''):gsub('%s+$', '')
  if first == '---' then
    for i = 2, #lines do
      local l = lines[i]:gsub('%s+$', '')
      if l == '---' or l == '...' then
        return 'markdown' -- front matter, closed
      end
    end
    if #lines > 1 then
      return nil -- a YAML document that starts with a document marker
    end
    return 'markdown'
  end
  if first:match('^[%w_%-]+%s*:') or first:match('^["\'][^"\']*["\']%s*:') then
    return nil -- starts with a mapping key: pure YAML
  end
  return 'markdown' -- empty (a new file), or Markdown such as `# Task T004: ...`
end

--- Makes task files named `.yaml`/`.yml` under `.tasks/` open as Markdown
--- when they are Markdown with front matter. Idempotent.
function M.filetype_setup()
  if vim.filetype and vim.filetype.add then
    -- 0.8+ (and 0.7 with vim.g.do_filetype_lua = 1). A pattern with a
    -- priority >= 0 is tried before the extension; nil falls through to it.
    vim.filetype.add({
      pattern = {
        ['.*/%.tasks/.*%.ya?ml'] = {
          function(path, bufnr)
            return M.detect(path, bufnr)
          end,
          { priority = 10 },
        },
      },
    })
  end
  if vim.fn.has('nvim-0.8') == 0 then
    -- 0.7 detects filetypes with filetype.vim unless g:do_filetype_lua is
    -- set, so vim.filetype.add alone is not enough there.
    local group = vim.api.nvim_create_augroup('taskls_filetype', { clear = true })
    vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
      group = group,
      pattern = { '*/.tasks/*.yaml', '*/.tasks/*.yml' },
      callback = function(args)
        local ft = M.detect(vim.api.nvim_buf_get_name(args.buf), args.buf)
        if ft and vim.bo[args.buf].filetype ~= ft then
          vim.bo[args.buf].filetype = ft
        end
      end,
    })
  end
end

-- setup()'s options over the defaults; lists are replaced, not merged.
local function with_defaults(opts)
  local cfg = vim.deepcopy(M.defaults)
  for k, v in pairs(opts or {}) do
    cfg[k] = v
  end
  return cfg
end

-- The LSP client config for one root.
local function client_config(cfg, root)
  local c = {}
  for k, v in pairs(cfg) do
    if not own_keys[k] then
      c[k] = v
    end
  end
  c.root_dir = root
  local has_settings = type(c.settings) == 'table' and next(c.settings) ~= nil
  if c.init_options == nil and has_settings then
    c.init_options = c.settings
  end
  if has_settings and vim.fn.has('nvim-0.9') == 0 then
    -- 0.9+ sends the settings after initialize by itself; 0.7 does not
    local on_init = c.on_init
    c.on_init = function(client, result)
      client.notify('workspace/didChangeConfiguration', { settings = c.settings })
      if on_init then
        return on_init(client, result)
      end
    end
  end
  return c
end

--- Starts (or reuses) the server for the root of `bufnr` and attaches it.
--- Returns the client id, or nil when the buffer is not a task file.
---@return integer|nil
function M.attach(bufnr, opts)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local root = M.root_dir(vim.api.nvim_buf_get_name(bufnr))
  if root == nil then
    return nil
  end
  local config = client_config(with_defaults(opts), root)
  if vim.lsp.start then
    -- 0.8+: reuses the running client with the same name and root
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  -- 0.7
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if id == nil then
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Starts taskls for task files from now on (and for those already open).
function M.setup(opts)
  local cfg = with_defaults(opts)
  if cfg.detect_filetype ~= false then
    M.filetype_setup()
  end
  local group = vim.api.nvim_create_augroup('taskls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = cfg.filetypes,
    callback = function(args)
      M.attach(args.buf, cfg)
    end,
  })
  local wanted = {}
  for _, ft in ipairs(cfg.filetypes) do
    wanted[ft] = true
  end
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and wanted[vim.bo[buf].filetype] then
      M.attach(buf, cfg)
    end
  end
end

return M
