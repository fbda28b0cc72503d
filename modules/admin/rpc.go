package admin

import "github.com/ispportal/portal/internal/rpc"

// methods are the console's API methods, at their places in the reference
// (docs/api.md): the clients from the 3rd method, invoice groups and settings from the
// 15th (the password methods of auth come in between).
func (m *Module) methods() []*rpc.Method {
	return append(m.clientMethods(), rpc.Ordered(150, append(m.groupMethods(), m.settingMethods()...)...)...)
}
