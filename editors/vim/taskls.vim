" taskls for Vim 8.2+/9 with ALE (3.0+): the language server of `.tasks/`
" workspaces as an ALE linter, for Markdown, YAML and JSON buffers inside a
" `.tasks/` folder, plus the filetype of task files named .yaml/.yml.
"
" In your vimrc, once ALE is on 'runtimepath' (e.g. after `packadd ale`):
"
"   source /path/to/taskls/editors/vim/taskls.vim
"
" Options (buffer-local b:... or global g:...):
"   g:ale_taskls_executable   the server binary (default: 'taskls' on $PATH)
"   g:ale_taskls_settings     a Dictionary passed to the server as
"                             initializationOptions and with
"                             workspace/didChangeConfiguration, e.g.
"                             {'taskls': {'checks': {'sections': 'off'}}}
"
" ALE starts the server only when the buffer's file lies inside a `.tasks/`
" folder: the project root is the folder that holds `.tasks/`. Use :ALEHover,
" :ALEGoToDefinition and ALE's completion as with any LSP linter.

if exists('g:loaded_taskls_ale')
  finish
endif

if empty(globpath(&runtimepath, 'autoload/ale/linter.vim'))
  silent! packadd ale
endif
if empty(globpath(&runtimepath, 'autoload/ale/linter.vim'))
  echohl WarningMsg
  echomsg 'taskls.vim: ALE is not on ''runtimepath'' (packadd ale first); taskls is not set up'
  echohl None
  finish
endif
let g:loaded_taskls_ale = 1

call ale#Set('taskls_executable', 'taskls')
call ale#Set('taskls_settings', {})

" The folder that holds the innermost `.tasks/` folder above the buffer's
" file, or '' (ALE then does not start the server) outside `.tasks/`.
function! TasklsProjectRoot(buffer) abort
  let l:path = fnamemodify(bufname(a:buffer), ':p')
  if l:path is# '' || l:path =~# '^\a[a-zA-Z0-9+.-]*://'
    return ''
  endif
  let l:path = substitute(l:path, '\\', '/', 'g')
  let l:match = matchlist(l:path, '\v^(.*)/\.tasks/')
  if empty(l:match)
    return ''
  endif
  return l:match[1] is# '' ? '/' : l:match[1]
endfunction

function! s:Settings(buffer) abort
  return ale#Var(a:buffer, 'taskls_settings')
endfunction

for s:filetype in ['markdown', 'yaml', 'json']
  call ale#linter#Define(s:filetype, {
  \   'name': 'taskls',
  \   'lsp': 'stdio',
  \   'executable': {buffer -> ale#Var(buffer, 'taskls_executable')},
  \   'command': '%e serve',
  \   'project_root': function('TasklsProjectRoot'),
  \   'initialization_options': function('s:Settings'),
  \   'lsp_config': function('s:Settings'),
  \})
endfor
unlet s:filetype

" Task files named .yaml/.yml are mostly Markdown with YAML front matter:
" open those as Markdown. A pure YAML task file (it starts with a key) stays
" YAML.
function! TasklsDetectFiletype() abort
  let l:lines = getline(1, 400)
  let l:first = substitute(get(l:lines, 0, ''), '\s\+$', '', '')
  if l:first is# '---'
    for l:line in l:lines[1:]
      if l:line =~# '^\(---\|\.\.\.\)\s*$'
        return 'markdown'
      endif
    endfor
    return len(l:lines) > 1 ? '' : 'markdown'
  endif
  if l:first =~# '^[A-Za-z0-9_-]\+\s*:' || l:first =~# '^\(["'']\)[^"'']*\1\s*:'
    return ''
  endif
  return 'markdown'
endfunction

function! s:SetFiletype() abort
  let l:filetype = TasklsDetectFiletype()
  if l:filetype isnot# '' && &filetype isnot# l:filetype
    let &l:filetype = l:filetype
  endif
endfunction

augroup taskls_filetype
  autocmd!
  autocmd BufRead,BufNewFile */.tasks/*.yaml,*/.tasks/*.yml call s:SetFiletype()
augroup END
