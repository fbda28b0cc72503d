package api

import (
	"strconv"

	"github.com/ispportal/portal/internal/rpc"
)

// ownMethods are the methods of the API itself (sessions) and, until their modules
// declare them, the data methods still written here, in the order of the reference.
func (m *Module) ownMethods() []*rpc.Method {
	var out []*rpc.Method
	for _, list := range [][]*rpc.Method{m.sessionMethods(), m.clientMethods(), m.passwordMethods(), m.groupMethods(),
		m.settingMethods(), m.serviceMethods(), m.trafficMethods(), m.invoiceMethods(), m.contentMethods(), m.fileMethods(),
		m.consentMethods()} {
		out = append(out, list...)
	}
	// The methods modules declare themselves (helpdesk's tickets.* and departments.*
	// at 500-560) keep their places; the runs after them start at their own place.
	out = rpc.Ordered(10, out...)
	return append(out, rpc.Ordered(570, m.portalMethods()...)...)
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

func itoa(i int) string     { return strconv.Itoa(i) }
func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
