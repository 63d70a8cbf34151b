" Smoke test: Vim + ALE as the LSP client of taskls, through
" editors/vim/taskls.vim, on examples/. Run by editors/vim/test.sh:
"
"   vim -N -u NONE -i NONE -n -es -S editors/vim/test/smoke.vim
"
" Environment: TASKLS_REPO (repository root), TASKLS_RESULT (file for one
" line per check). `taskls` must be on $PATH. Exits 0 when every check
" passed, 1 when one failed, 3 on the watchdog's time-out.

set nocompatible
let s:repo = $TASKLS_REPO
let s:examples = s:repo . '/examples'
let s:result = $TASKLS_RESULT
let s:lines = []
let s:failed = 0
let s:label = printf('vim %d.%d', v:version / 100, v:version % 100)

function! s:Record(ok, name, detail) abort
  call add(s:lines, (a:ok ? 'ok - ' : 'not ok - ') . s:label . ' + ALE ' . a:name)
  if !a:ok
    let s:failed += 1
    call extend(s:lines, map(split(a:detail, "\n"), '"    " . v:val'))
  endif
  call writefile(s:lines, s:result)
endfunction

function! s:Check(name, Func) abort
  try
    call a:Func()
    call s:Record(1, a:name, '')
    return 1
  catch
    call s:Record(0, a:name, v:exception . "\n" . v:throwpoint)
    return 0
  endtry
endfunction

function! s:WaitFor(ms, what, Cond) abort
  let l:waited = 0
  while !a:Cond()
    if l:waited >= a:ms
      throw 'timed out after ' . a:ms . ' ms waiting for ' . a:what
    endif
    sleep 50m
    let l:waited += 50
  endwhile
endfunction

function! s:Eq(got, want, what) abort
  if a:got !=# a:want
    throw printf('%s: got %s, want %s', a:what, string(a:got), string(a:want))
  endif
endfunction

function! s:Finish() abort
  call add(s:lines, printf('# %s + ALE: %d passed, %d failed', s:label, len(filter(copy(s:lines), 'v:val =~# "^ok "')), s:failed))
  call writefile(s:lines, s:result)
  if s:failed
    cquit 1
  endif
  qall!
endfunction

function! s:Watchdog(timer) abort
  call s:Record(0, 'watchdog', 'the run took longer than 60 s')
  call writefile(s:lines, s:result)
  cquit 3
endfunction
call timer_start(60000, function('s:Watchdog'))

" The line and byte column (1-based) of `token` on the first line at or after
" the first line that contains `anchor`.
function! s:Locate(anchor, token) abort
  let l:from = 0
  for l:i in range(1, line('$'))
    if stridx(getline(l:i), a:anchor) >= 0
      let l:from = l:i
      break
    endif
  endfor
  if !l:from
    throw 'no line contains ' . a:anchor
  endif
  for l:i in range(l:from, line('$'))
    let l:col = stridx(getline(l:i), a:token)
    if l:col >= 0
      return [l:i, l:col + 1]
    endif
  endfor
  throw 'no ' . a:token . ' after ' . a:anchor
endfunction

function! s:Loclist() abort
  return ale#engine#GetLoclist(bufnr(''))
endfunction

" --- set-up, as a vimrc would do it -----------------------------------------
function! s:SetUp() abort
  filetype on
  packadd ale
  let g:ale_linters_explicit = 1
  let g:ale_linters = {'markdown': ['taskls'], 'yaml': ['taskls'], 'json': ['taskls']}
  let g:ale_hover_to_preview = 1
  let g:ale_taskls_settings = {'taskls': {'checks': {'cycle': 'hint'}}}
  execute 'source' fnameescape(s:repo . '/editors/vim/taskls.vim')
  call s:Eq(get(g:, 'loaded_taskls_ale', 0), 1, 'g:loaded_taskls_ale')
endfunction
if !s:Check('set-up', function('s:SetUp'))
  call s:Finish()
endif

" --- checks ------------------------------------------------------------------
" The first task file opened starts the server.
function! s:FirstFile() abort
  execute 'edit' fnameescape(s:examples . '/.tasks/tasks/T007-asset-fingerprints.yaml')
  call s:Eq(&filetype, 'markdown', 'filetype of T007-asset-fingerprints.yaml')
  try
    " cycle = hint in g:ale_taskls_settings: ALE 3 shows hints as W, errors as E
    call s:WaitFor(20000, 'the T007 cycle diagnostic, as a hint (W, not E)',
    \ {-> !empty(filter(s:Loclist(), {_, d -> get(d, 'code', '') is# 'cycle' && d.type is# 'W'}))})
  catch
    throw v:exception . ";\nALE's problems in T007: " . string(s:Loclist())
  endtry
endfunction
call s:Check('diagnostic on the first file, with the settings applied (cycle = hint)', function('s:FirstFile'))

" A file opened after the server has published its diagnostics from disk.
function! s:Diagnostic() abort
  execute 'edit' fnameescape(s:examples . '/.tasks/tasks/T010-sitemap.md')
  let l:want = 'unknown task ID T099 (did you mean T009?)'
  try
    call s:WaitFor(10000, 'the unknown-id diagnostic from ALE',
    \ {-> !empty(filter(s:Loclist(), {_, d -> d.text is# l:want}))})
  catch
    throw v:exception . ";\nALE's problems in T010: " . string(s:Loclist())
  endtry
  let l:hits = filter(s:Loclist(), {_, d -> d.text is# l:want})
  call s:Eq(len(l:hits), 1, 'number of diagnostics with that message')
  let [l:lnum, l:col] = s:Locate('dependencies: [T004, T099]', 'T099')
  call s:Eq(l:hits[0].lnum, l:lnum, 'line')
  call s:Eq(l:hits[0].col, l:col, 'column')
  call s:Eq(l:hits[0].type, 'E', 'type')
  call s:Eq(get(l:hits[0], 'code', ''), 'unknown-id', 'code')
  call s:Eq(l:hits[0].linter_name, 'taskls', 'linter')
endfunction
call s:Check('diagnostic: unknown task ID T099 in T010-sitemap.md, opened second', function('s:Diagnostic'))

function! s:PreviewLines() abort
  for l:win in range(1, winnr('$'))
    if getwinvar(l:win, '&previewwindow')
      return getbufline(winbufnr(l:win), 1, '$')
    endif
  endfor
  return []
endfunction

function! s:Hover() abort
  execute 'edit' fnameescape(s:examples . '/.tasks/tasks/T007-asset-fingerprints.yaml')
  let [l:lnum, l:col] = s:Locate('dependencies: [T005, T008]', 'T005')
  call cursor(l:lnum, l:col + 1)
  ALEHover
  call s:WaitFor(10000, 'the hover in the preview window', {-> !empty(s:PreviewLines())})
  let l:text = join(s:PreviewLines(), "\n")
  pclose
  for l:want in ['T005', '7/12 done', 'in_progress']
    if stridx(l:text, l:want) < 0
      throw 'hover text lacks ' . l:want . ":\n" . l:text
    endif
  endfor
endfunction
call s:Check('hover on a dependency ID shows its criteria progress (:ALEHover)', function('s:Hover'))

function! s:Filetypes() abort
  execute 'edit' fnameescape(s:examples . '/.tasks/tasks/T011-search-index.yaml')
  call s:Eq(&filetype, 'yaml', 'filetype of T011-search-index.yaml (pure YAML)')
  execute 'edit' fnameescape(s:examples . '/.tasks/tasks/T007-asset-fingerprints.yaml')
  call s:Eq(&filetype, 'markdown', 'filetype of T007-asset-fingerprints.yaml')
endfunction
call s:Check('filetype: .yaml task files with front matter are markdown, pure YAML stays yaml', function('s:Filetypes'))

function! s:NoRootOutside() abort
  let l:linter = filter(ale#linter#Get('markdown'), 'v:val.name is# "taskls"')[0]
  execute 'edit' fnameescape(s:examples . '/README.md')
  call s:Eq(&filetype, 'markdown', 'filetype of examples/README.md')
  call s:Eq(ale#lsp_linter#FindProjectRoot(bufnr(''), l:linter), '', 'project root of examples/README.md')
  sleep 500m
  call s:Eq(s:Loclist(), [], 'ALE problems in examples/README.md')
  execute 'edit' fnameescape(s:examples . '/.tasks/tasks/T010-sitemap.md')
  call s:Eq(ale#lsp_linter#FindProjectRoot(bufnr(''), l:linter), s:examples, 'project root of T010-sitemap.md')
endfunction
call s:Check('no server outside .tasks/ (examples/README.md has no project root)', function('s:NoRootOutside'))

call s:Finish()
