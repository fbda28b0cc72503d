package files

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// Staff console pages (below /admin) and their template.
const (
	pathStaffFiles  = "/files"
	pathStaffDelete = "/files/:id/delete"

	tplStaffFiles = "files/staff_files"
)

// staffPages are the console's provider files page: list for every staff role that
// reads files, upload and delete for those that write them.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathStaffFiles, perm.FilesRead, m.showStaffFiles), "files.staff.menu", 30),
		// The upload form may carry a file of blob.MaxUploadBytes; it is streamed to
		// disk, never held in memory.
		{Method: fiber.MethodPost, Path: pathStaffFiles, Action: perm.FilesWrite, Handler: m.uploadStaffFile,
			Upload: blob.MaxUploadBytes + 1<<20},
		console.Post(pathStaffDelete, perm.FilesWrite, m.deleteStaffFile),
	}
}
