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
		m.consentMethods(), m.portalMethods()} {
		out = append(out, list...)
	}
	return orderedAround(10, out)
}

// declaredElsewhere are the places in the reference of the methods that modules
// declare themselves (sms.list 430; helpdesk's tickets.* and departments.* 500-560):
// the API's own methods skip them, so every method keeps its place.
var declaredElsewhere = map[int]bool{430: true, 500: true, 510: true, 520: true, 530: true, 540: true, 550: true, 560: true}

// orderedAround numbers ms from from in steps of 10, skipping declaredElsewhere.
func orderedAround(from int, ms []*rpc.Method) []*rpc.Method {
	o := from
	for _, m := range ms {
		for declaredElsewhere[o] {
			o += 10
		}
		m.Order = o
		o += 10
	}
	return ms
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
