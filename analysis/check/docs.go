package check

//go:generate go run ./internal/gendoc/cmd

func init() {
	for _, c := range registry {
		if c.Doc == "" {
			c.Doc = docs[c.Name]
		}
	}
}
