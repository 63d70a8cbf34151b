;;; taskls.el --- Eglot set-up for taskls, the language server of .tasks/ workspaces  -*- lexical-binding: t; -*-

;; Works with Emacs 28+ and Eglot 1.9+ (built into Emacs 29+).

;;; Commentary:

;; taskls checks `.tasks/' workspaces (one Markdown or YAML file per task
;; plus a manifest.json) and adds hover, go-to-definition and completion for
;; task IDs.  In your init file:
;;
;;   (load "/path/to/taskls/editors/emacs/taskls.el")
;;   (add-hook 'markdown-mode-hook #'taskls-eglot-ensure)  ; start it by itself
;;   (add-hook 'yaml-mode-hook #'taskls-eglot-ensure)      ; if you have yaml-mode
;;
;; or run M-x eglot in a task file.  This file:
;;
;; - puts taskls first in `eglot-server-programs' for Markdown, YAML and
;;   JSON modes, for files inside a `.tasks/' folder only; elsewhere those
;;   modes get the server Eglot would have chosen without this file;
;; - makes the folder that holds `.tasks/' the project root for Eglot (only
;;   for Eglot's lookups, through `eglot-lsp-context');
;; - opens `.yaml'/`.yml' task files that are Markdown with YAML front matter
;;   in `markdown-mode' (when installed); pure YAML task files keep the mode
;;   they would have had;
;; - sends `taskls-settings' as initializationOptions.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'project)
(require 'eglot)

(defgroup taskls nil
  "The taskls language server for .tasks/ workspaces."
  :group 'tools
  :prefix "taskls-")

(defcustom taskls-command '("taskls" "serve")
  "The command that starts the server: a program and its arguments."
  :type '(repeat string))

(defcustom taskls-settings nil
  "Settings sent to the server as initializationOptions, as a plist.
For example (:taskls (:checks (:sections \"off\" :cycle \"warning\"))).
Eglot's `eglot-workspace-configuration' (section \"taskls\") works too."
  :type 'sexp)

(defconst taskls-major-modes
  '(markdown-mode
    (gfm-mode :language-id "markdown")
    yaml-mode
    (yaml-ts-mode :language-id "yaml")
    json-mode
    (js-json-mode :language-id "json")
    (json-ts-mode :language-id "json"))
  "The major modes of task files and manifests that taskls serves.")

(defun taskls-root (file-or-dir)
  "The folder that holds the innermost `.tasks/' folder above FILE-OR-DIR.
Nil when FILE-OR-DIR is not inside a `.tasks/' folder."
  (when file-or-dir
    (let ((path (expand-file-name file-or-dir)))
      (when (file-directory-p path)
        (setq path (file-name-as-directory path)))
      (when (string-match "\\`\\(.*\\)/\\.tasks/" path)
        (let ((root (match-string 1 path)))
          (file-name-as-directory (if (string-empty-p root) "/" root)))))))

;;;; Server contact

(defun taskls--mode-matches-p (spec mode)
  "Non-nil when the `eglot-server-programs' mode SPEC covers MODE."
  (cond ((symbolp spec) (provided-mode-derived-p mode spec))
        ((and (consp spec) (keywordp (cadr spec)))
         (taskls--mode-matches-p (car spec) mode))
        ((consp spec) (cl-some (lambda (s) (taskls--mode-matches-p s mode)) spec))))

(defun taskls--other-contact (interactive)
  "The contact Eglot would use for this buffer without taskls.
INTERACTIVE is passed on to a contact that is a function."
  (let ((entry (cl-find-if (lambda (e)
                             (and (not (eq (cdr e) #'taskls--contact))
                                  (taskls--mode-matches-p (car e) major-mode)))
                           eglot-server-programs)))
    (unless entry
      (user-error "taskls serves files inside a .tasks/ folder only, and Eglot knows no other server for %s"
                  major-mode))
    (let ((contact (cdr entry)))
      (if (functionp contact) (funcall contact interactive) contact))))

(defun taskls--initialization-options (_server)
  "The initializationOptions: `taskls-settings', or an empty object."
  (or taskls-settings (make-hash-table)))

(defun taskls--contact (interactive)
  "Eglot contact: taskls inside a `.tasks/' folder, the usual server elsewhere.
INTERACTIVE is non-nil when Eglot was started by hand."
  (if (taskls-root (or buffer-file-name default-directory))
      (append taskls-command
              (list :initializationOptions #'taskls--initialization-options))
    (taskls--other-contact interactive)))

(setq eglot-server-programs
      (cons (cons taskls-major-modes #'taskls--contact)
            (cl-remove-if (lambda (e) (eq (cdr e) #'taskls--contact))
                          eglot-server-programs)))

;;;; Project root

(defun taskls--project-find (dir)
  "For Eglot only: the project of a task file is the folder that holds `.tasks/'.
Eglot asks about the current buffer; its file decides, not DIR, which
Eglot may have bound to the root of a server it is connecting."
  (when (bound-and-true-p eglot-lsp-context)
    (let ((root (taskls-root (or buffer-file-name dir))))
      (when root (cons 'taskls root)))))

(cl-defmethod project-root ((project (head taskls)))
  "The root of a taskls PROJECT: the folder that holds `.tasks/'."
  (cdr project))

(add-hook 'project-find-functions #'taskls--project-find)

;;;###autoload
(defun taskls-eglot-ensure ()
  "Like `eglot-ensure', only in buffers of files inside a `.tasks/' folder."
  (when (and buffer-file-name (taskls-root buffer-file-name))
    (eglot-ensure)))

;;;; Major mode of .yaml task files

(defun taskls--markdown-p ()
  "Non-nil when the current buffer is Markdown, possibly with front matter.
A pure YAML document (it starts with a key, or with `---' that no second
`---' closes) is not."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (let ((first (string-trim-right
                    (buffer-substring-no-properties (point) (line-end-position)))))
        (cond
         ((string= first "---")
          (forward-line 1)
          (or (eobp)
              (re-search-forward "^\\(---\\|\\.\\.\\.\\)[ \t]*$"
                                 (save-excursion (forward-line 400) (point)) t)))
         ((string-match-p "\\`\\([A-Za-z0-9_-]+\\|\"[^\"]*\"\\|'[^']*'\\)[ \t]*:" first) nil)
         (t t))))))

(defconst taskls--auto-mode-entry '("/\\.tasks/.*\\.ya?ml\\'" . taskls-task-yaml-mode))

;;;###autoload
(defun taskls-task-yaml-mode ()
  "Major mode for a `.yaml'/`.yml' file inside `.tasks/'.
`markdown-mode' for Markdown with YAML front matter, else the mode the file
would have had."
  (if (and (fboundp 'markdown-mode) (taskls--markdown-p))
      (markdown-mode)
    (let ((auto-mode-alist (remove taskls--auto-mode-entry auto-mode-alist)))
      (set-auto-mode))))

(add-to-list 'auto-mode-alist taskls--auto-mode-entry)

(provide 'taskls)
;;; taskls.el ends here
