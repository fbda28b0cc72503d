package api

import (
	"github.com/ispportal/portal/internal/rpc"
)

// ownMethods are the API's own methods, the sessions (first in the reference);
// every other method is declared by the module that owns its data.
func (m *Module) ownMethods() []*rpc.Method { return rpc.Ordered(10, m.sessionMethods()...) }

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
