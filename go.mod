module github.com/taskls/taskls

go 1.26.8

require (
	github.com/sourcegraph/jsonrpc2 v0.2.3 // indirect
	github.com/tliron/glsp v0.2.2 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
