package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// mountContent registers the content pages: messages and ticket replies (support may
// write them), and the administrator-only files, document visibility, e-mail
// templates, helpdesk departments, custom buttons, GDPR consent documents and the
// contact texts overview.
func (m *Module) mountContent(r fiber.Router) {
	r.Get(pathMessages, m.allow(perm.MessagesRead), m.showMessages)
	r.Post(pathMessages, m.allow(perm.MessagesWrite), m.createMessage)
	r.Post(pathMessageDelete, m.allow(perm.MessagesWrite), m.deleteMessage)
	r.Get(pathFiles, m.allow(perm.FilesRead), m.showFiles)
	r.Post(pathFiles, m.allow(perm.FilesWrite), m.uploadFile)
	// The upload form may carry a file of blob.MaxUploadBytes, but only from staff
	// who may upload; it is streamed to disk (web.BodyRule), never held in memory.
	m.d.Web.AdmitBody(fiber.MethodPost, prefix+pathFiles, web.BodyRule{Limit: blob.MaxUploadBytes + 1<<20, Stream: true,
		Allow: func(c *fiber.Ctx) bool { return m.can(c, perm.FilesWrite) }})
	r.Post(pathFileDelete, m.allow(perm.FilesWrite), m.deleteFile)
	r.Post(pathDocVisible, m.allow(perm.DocumentsWrite), m.setDocumentVisible)
	r.Get(pathTemplates, m.allow(perm.TemplatesRead), m.showTemplates)
	r.Post(pathTemplates, m.allow(perm.TemplatesWrite), m.saveTemplate)
	r.Post(pathTemplateDel, m.allow(perm.TemplatesWrite), m.deleteTemplate)
	r.Get(pathButtons, m.allow(perm.ButtonsRead), m.showButtons)
	r.Post(pathButtons, m.allow(perm.ButtonsWrite), m.saveButton)
	r.Post(pathButtonDelete, m.allow(perm.ButtonsWrite), m.deleteButton)
	r.Get(pathConsents, m.allow(perm.ConsentsRead), m.showConsents)
	r.Post(pathConsents, m.allow(perm.ConsentsWrite), m.addConsentDocument)
	r.Post(pathConsentVer, m.allow(perm.ConsentsWrite), m.addConsentVersion)
	r.Post(pathConsentActive, m.allow(perm.ConsentsWrite), m.setConsentActive)
	r.Get(pathContact, m.allow(perm.ContactRead), m.showContact)
}

// idParam parses a numeric route parameter strictly; anything else is 404.
func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}
