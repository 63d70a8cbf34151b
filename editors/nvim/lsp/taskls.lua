-- taskls for Neovim 0.11+: a config for vim.lsp.config / vim.lsp.enable.
--
-- With editors/nvim on 'runtimepath' (as a plugin), this file is found as
-- the config named "taskls"; or copy it to ~/.config/nvim/lsp/taskls.lua.
-- Then, in init.lua:
--
--   vim.lsp.enable('taskls')
--   -- optional overrides, merged over this file:
--   vim.lsp.config('taskls', { cmd = { '/path/to/taskls', 'serve' } })
--
-- The server starts only for buffers whose file lies inside a `.tasks/`
-- folder; its root is the folder that holds `.tasks/` (the repository root).
-- A Markdown, YAML or JSON file anywhere else never starts it.

--- The folder that holds the innermost `.tasks/` folder above `path`, or nil
--- when `path` is not inside a `.tasks/` folder (or is not a file on disk).
---@param path string
---@return string?
local function tasks_root(path)
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

---@type vim.lsp.Config
return {
  cmd = { 'taskls', 'serve' },
  -- Task files are Markdown (also when named .yaml) or pure YAML; the
  -- manifest is JSON. See ftdetect/taskls.lua for the .yaml-named Markdown.
  filetypes = { 'markdown', 'yaml', 'json' },
  root_dir = function(bufnr, on_dir)
    local root = tasks_root(vim.api.nvim_buf_get_name(bufnr))
    if root then
      on_dir(root)
    end
  end,
  -- Options for the server. Sent as workspace/didChangeConfiguration and as
  -- the answer to workspace/configuration; when init_options is not set they
  -- are also sent as initializationOptions (see before_init).
  settings = {},
  before_init = function(params, config)
    local settings = config.settings
    if params.initializationOptions == nil and type(settings) == 'table' and next(settings) ~= nil then
      params.initializationOptions = settings
    end
  end,
}
