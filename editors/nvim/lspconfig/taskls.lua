---@brief
---
--- https://github.com/taskls/taskls
---
--- taskls is a language server for `.tasks/` workspaces: one Markdown (or
--- YAML) file per task plus a `manifest.json` index, as written by people and
--- by AI agents that plan work. It reports unknown task IDs, dependency
--- cycles and manifest entries without a file, and adds hover,
--- go-to-definition and completion for task IDs.
---
--- Install it with Go:
--- ```sh
--- go install github.com/taskls/taskls/cmd/taskls@latest
--- ```
---
--- The server is started only for files inside a `.tasks/` folder; its root
--- is the folder that holds `.tasks/`. Task files are often Markdown with
--- front matter even when named `.yaml`; to open those as Markdown:
--- ```lua
--- vim.filetype.add({
---   pattern = {
---     ['.*/%.tasks/.*%.ya?ml'] = function(_, bufnr)
---       local first = vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1] or ''
---       if not first:match('^[%w_-]+%s*:') then
---         return 'markdown'
---       end
---     end,
---   },
--- })
--- ```

---@type vim.lsp.Config
return {
  cmd = { 'taskls', 'serve' },
  filetypes = { 'markdown', 'yaml', 'json' },
  root_dir = function(bufnr, on_dir)
    local fname = vim.api.nvim_buf_get_name(bufnr)
    if fname == '' or fname:match('^%a[%w+.-]*://') then
      return
    end
    for dir in vim.fs.parents(fname) do
      if vim.fs.basename(dir) == '.tasks' then
        on_dir(vim.fs.dirname(dir))
        return
      end
    end
  end,
}
