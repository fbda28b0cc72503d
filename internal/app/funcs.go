package app

import (
	"html/template"
	"strings"
)

// TemplateFuncs are the helpers every template may use. Formatting that depends on the
// language is a method of web.Page instead (.T, .Date, .Money).
func TemplateFuncs() template.FuncMap {
	return template.FuncMap{
		"add":       func(a, b int) int { return a + b },
		"sub":       func(a, b int) int { return a - b },
		"hasPrefix": strings.HasPrefix,
		"lower":     strings.ToLower,
		// dict builds a map for passing several values to a partial.
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				m[k] = kv[i+1]
			}
			return m
		},
	}
}
