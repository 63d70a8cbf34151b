module github.com/taskls/taskls

go 1.26.8

require (
	github.com/fsnotify/fsnotify v1.10.1
	github.com/sourcegraph/jsonrpc2 v0.2.3
	github.com/tliron/glsp v0.2.2
	gopkg.in/yaml.v3 v3.0.1
)

require golang.org/x/sys v0.14.0 // indirect
