package appearance

import (
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// Console paths of the Appearance page, below /admin, and its templates.
const (
	pathList    = "/appearance"
	pathCopy    = "/appearance/copy"
	pathTheme   = "/appearance/:id"
	pathUpload  = "/appearance/:id/upload"
	pathCSS     = "/appearance/:id/css"
	pathPreview = "/appearance/:id/preview"
	pathSelect  = "/appearance/:id/select"
	pathDelete  = "/appearance/:id/delete"

	tplList    = "appearance/staff_list"
	tplTheme   = "appearance/staff_theme"
	tplPreview = "appearance/preview"
)

// staffPages are the module's console pages; administrators only (perm.Appearance*).
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathList, perm.AppearanceRead, m.showList), "appearance.staff.menu", 55),
		console.Post(pathCopy, perm.AppearanceWrite, m.copyTheme),
		console.Get(pathTheme, perm.AppearanceRead, m.showTheme),
		console.Post(pathUpload, perm.AppearanceWrite, m.uploadFile),
		console.Post(pathCSS, perm.AppearanceWrite, m.saveCSS),
		console.Get(pathPreview, perm.AppearanceRead, m.preview),
		console.Post(pathSelect, perm.AppearanceWrite, m.selectTheme),
		console.Post(pathDelete, perm.AppearanceWrite, m.deleteTheme),
	}
}
