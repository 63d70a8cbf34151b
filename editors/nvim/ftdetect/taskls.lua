-- Task files under `.tasks/` named .yaml/.yml that are Markdown with YAML
-- front matter open as Markdown; pure YAML task files stay YAML. Sourced by
-- `:filetype on` when editors/nvim is on 'runtimepath' (Neovim 0.7+).
require('taskls').filetype_setup()
