package api

import (
	"strconv"

	"github.com/ispportal/portal/internal/rpc"
)

// ownMethods are the methods of the API itself (sessions) and, until their modules
// declare them, the data methods still written here, in the order of the reference.
func (m *Module) ownMethods() []*rpc.Method {
	// Each run starts at its place in the reference, so that the methods modules
	// declare (clients 30-100, passwords 110-140, groups and settings 150-210,
	// services 220-290, invoices, documents, files ...) keep theirs in between.
	var out []*rpc.Method
	for _, run := range []struct {
		from  int
		lists [][]*rpc.Method
	}{
		{10, [][]*rpc.Method{m.sessionMethods()}},
		{400, [][]*rpc.Method{m.contentMethods()}},
	} {
		var list []*rpc.Method
		for _, l := range run.lists {
			list = append(list, l...)
		}
		out = append(out, rpc.Ordered(run.from, list...)...)
	}
	return out
}

// methods lists every method the API answers, in the order of the reference: what
// the modules of the list declared (the API's own methods among them, declared by
// Info), or only its own in a bare Deps without declarations.
func (m *Module) methods() []*rpc.Method {
	if m.d.Declared == nil {
		return m.ownMethods()
	}
	return m.d.Declared.Methods()
}

// buildRegistry maps method names to declarations; a name declared twice is a build
// mistake.
func (m *Module) buildRegistry() map[string]*rpc.Method {
	out := map[string]*rpc.Method{}
	for _, meth := range m.methods() {
		if _, dup := out[meth.Name]; dup {
			panic("api: duplicate method " + meth.Name)
		}
		out[meth.Name] = meth
	}
	return out
}

func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
