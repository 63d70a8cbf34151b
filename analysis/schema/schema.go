// Package schema generates JSON Schemas (draft-07) of the two files of a
// .tasks/ workspace that tools other than taskls edit most: a task file's
// YAML metadata and manifest.json. The schemas are built from the
// definitions the parsers and checks use (model.StatusWords,
// model.PriorityWords, taskfile.ListKeys, ...), so an editor that validates
// with them accepts what taskls accepts; the tests keep the two in step.
//
// Patterns are ECMA-262 regular expressions, as JSON Schema wants, written
// in the part of the syntax that Go's regexp reads the same way.
package schema

// Names are the schemas Get knows, in the order usage lists them.
var Names = []string{"task", "manifest"}

// Get returns the schema called name (one of Names) as indented JSON with a
// trailing newline, or false.
func Get(name string) ([]byte, bool) {
	switch name {
	case "task":
		return Task(), true
	case "manifest":
		return Manifest(), true
	}
	return nil, false
}
