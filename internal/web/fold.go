package web

import (
	"html/template"
	"io"
	"strconv"
	"strings"
	"text/template/parse"
	"unicode/utf8"
)

// foldConstants rewrites the parsed templates of one language before their first
// execution: {{.T "key"}} becomes the translated text and {{.URL "/path"}} the
// prefixed path, both as string constants. html/template still escapes the constants
// for the context they stand in, so the output is the same; what goes is a reflective
// method call per label, which made up most of a page's render time (a page has dozens).
// A T or URL with any argument that is not a literal stays a call. A folded path of
// plain characters ("/invoices/") goes in as template text; templates print paths only
// in attributes and text (the CSP keeps script and style out of them), where such
// text means what the escaped constant did.
func foldConstants(root *template.Template, lang string, cat *Catalog, base string) {
	if cat == nil {
		return
	}
	f := folder{lang: lang, cat: cat, base: base, urls: map[*parse.CommandNode]bool{}}
	for _, t := range root.Templates() {
		if t.Tree != nil && t.Tree.Root != nil {
			f.node(t.Tree.Root)
		}
	}
	foldEscaped(root)
}

// foldEscaped has html/template escape every template now, then replaces each action
// that prints a constant through escapers whose result is known (HTML text, quoted
// attribute, RCDATA, and URL parts made only of characters those leave alone) with the
// escaped text itself. Executing a template walks text nodes without reflection; an
// action costs a reflective call per escaper.
func foldEscaped(root *template.Template) {
	called := map[string]bool{}
	for _, t := range root.Templates() {
		if t.Tree != nil {
			calledFrom(t.Tree.Root, called)
		}
	}
	for _, t := range root.Templates() {
		// Only templates nobody calls are escaped on their own (pages, layouts, the
		// menu): a partial is escaped in its callers' contexts, and one that is not
		// complete HTML on its own would fail alone and be made unusable.
		if called[t.Name()] {
			continue
		}
		// Execute escapes the template and those it calls, then fails on the nil page,
		// which is expected; the escaping stays.
		func() {
			defer func() { _ = recover() }()
			_ = t.Execute(io.Discard, nil)
		}()
	}
	for _, t := range root.Templates() {
		if t.Tree != nil {
			foldText(t.Tree.Root)
		}
	}
}

// calledFrom records the names of the templates that n calls.
func calledFrom(n parse.Node, into map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			calledFrom(c, into)
		}
	case *parse.TemplateNode:
		into[n.Name] = true
	case *parse.IfNode:
		calledFrom(n.List, into)
		calledFrom(n.ElseList, into)
	case *parse.RangeNode:
		calledFrom(n.List, into)
		calledFrom(n.ElseList, into)
	case *parse.WithNode:
		calledFrom(n.List, into)
		calledFrom(n.ElseList, into)
	}
}

func foldText(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for i, c := range n.Nodes {
			if a, ok := c.(*parse.ActionNode); ok {
				if s, ok := escapedConstant(a.Pipe); ok {
					n.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(s)}
				}
				continue
			}
			foldText(c)
		}
	case *parse.IfNode:
		foldText(n.List)
		foldText(n.ElseList)
	case *parse.RangeNode:
		foldText(n.List)
		foldText(n.ElseList)
	case *parse.WithNode:
		foldText(n.List)
		foldText(n.ElseList)
	}
}

// escapedConstant computes what a pipeline `"constant" | escaper...` prints, when every
// escaper in it is one whose effect on that constant is known exactly.
func escapedConstant(p *parse.PipeNode) (string, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) < 2 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	lit, ok := p.Cmds[0].Args[0].(*parse.StringNode)
	if !ok {
		return "", false
	}
	s := lit.Text
	for _, cmd := range p.Cmds[1:] {
		if len(cmd.Args) != 1 {
			return "", false
		}
		id, ok := cmd.Args[0].(*parse.IdentifierNode)
		if !ok {
			return "", false
		}
		switch id.Ident {
		case "_html_template_htmlescaper", "_html_template_attrescaper", "_html_template_rcdataescaper":
			s = escapeHTML(s)
		case "_html_template_urlfilter", "_html_template_urlnormalizer":
			// A relative path of plain characters passes the filter and needs no
			// normalizing.
			if !plainURL(s, "/") {
				return "", false
			}
		case "_html_template_urlescaper":
			if !plainURL(s, "") {
				return "", false
			}
		default:
			return "", false
		}
	}
	return s, true
}

// plainURL reports whether s has only letters, digits, "-._~" and the extra characters,
// which URL escaping, normalizing and filtering all leave as they are.
func plainURL(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~"+extra, c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// escapeHTML escapes a plain string the way html/template's HTML, attribute and RCDATA
// escapers do, so that folded output is byte for byte what the escaper would print.
func escapeHTML(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch r {
		case 0:
			b.WriteString("\uFFFD")
		case '"':
			b.WriteString("&#34;")
		case '&':
			b.WriteString("&amp;")
		case '\'':
			b.WriteString("&#39;")
		case '+':
			b.WriteString("&#43;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	return b.String()
}

type folder struct {
	lang string
	cat  *Catalog
	base string
	urls map[*parse.CommandNode]bool // commands folded from X.URL "/path"
}

func (f folder) node(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for i, c := range n.Nodes {
			f.node(c)
			// A path of plain characters becomes template text, as if the template had
			// it written out: html/template then knows the URL has begun and gives
			// the value after it (an id) one escaper fewer to run.
			if a, ok := c.(*parse.ActionNode); ok && len(a.Pipe.Decl) == 0 && len(a.Pipe.Cmds) == 1 &&
				len(a.Pipe.Cmds[0].Args) == 1 && f.urls[a.Pipe.Cmds[0]] {
				lit := a.Pipe.Cmds[0].Args[0].(*parse.StringNode)
				if strings.HasPrefix(lit.Text, "/") && plainURL(lit.Text, "/") {
					n.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(lit.Text)}
				}
			}
		}
	case *parse.ActionNode:
		f.pipe(n.Pipe)
	case *parse.IfNode:
		f.branch(&n.BranchNode)
	case *parse.RangeNode:
		f.branch(&n.BranchNode)
	case *parse.WithNode:
		f.branch(&n.BranchNode)
	case *parse.TemplateNode:
		f.pipe(n.Pipe)
	}
}

func (f folder) branch(b *parse.BranchNode) {
	f.pipe(b.Pipe)
	f.node(b.List)
	f.node(b.ElseList)
}

func (f folder) pipe(p *parse.PipeNode) {
	if p == nil {
		return
	}
	for i, cmd := range p.Cmds {
		for _, a := range cmd.Args {
			if sub, ok := a.(*parse.PipeNode); ok {
				f.pipe(sub)
			}
		}
		// Only a pipeline's first command: a later one also receives the value before it.
		if i == 0 {
			f.command(cmd)
		}
	}
}

// command folds `X.T "key"` and `X.URL "/path"`, where X is dot, a variable or a
// field chain (`.T`, `$.T`, `.P.T`): T and URL are Page's methods, and templates
// give no other value methods of those names.
func (f folder) command(cmd *parse.CommandNode) {
	if len(cmd.Args) != 2 {
		return
	}
	lit, ok := cmd.Args[1].(*parse.StringNode)
	if !ok {
		return
	}
	var idents []string
	switch a := cmd.Args[0].(type) {
	case *parse.FieldNode:
		idents = a.Ident
	case *parse.VariableNode:
		idents = a.Ident[1:]
	default:
		return
	}
	if len(idents) == 0 {
		return
	}
	var s string
	switch idents[len(idents)-1] {
	case "T":
		s = f.cat.T(f.lang, lit.Text)
	case "URL":
		s = f.base + lit.Text
		f.urls[cmd] = true
	default:
		return
	}
	lit.Text, lit.Quoted = s, strconv.Quote(s)
	cmd.Args = cmd.Args[1:]
}
