package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/web"
)

// mountContent registers the content pages: messages and ticket replies (support may
// write them), and the administrator-only files, document visibility, e-mail
// templates, helpdesk departments, custom buttons, GDPR consent documents and the
// contact texts overview.
func (m *Module) mountContent(r fiber.Router) {
	r.Get(pathMessages, m.allow(areaMessages), m.showMessages)
	r.Post(pathMessages, m.allow(areaMessages), m.createMessage)
	r.Post(pathMessageDelete, m.allow(areaMessages), m.deleteMessage)
	r.Get(pathFiles, m.allow(areaAdmin), m.showFiles)
	r.Post(pathFiles, m.allow(areaAdmin), m.uploadFile)
	// The upload form may carry a file of blob.MaxUploadBytes, but only from staff
	// who may upload; it is streamed to disk (web.BodyRule), never held in memory.
	m.d.Web.AdmitBody(fiber.MethodPost, prefix+pathFiles, web.BodyRule{Limit: blob.MaxUploadBytes + 1<<20, Stream: true,
		Allow: func(c *fiber.Ctx) bool { return m.canWrite(c, areaAdmin) }})
	r.Post(pathFileDelete, m.allow(areaAdmin), m.deleteFile)
	r.Post(pathDocVisible, m.allow(areaAdmin), m.setDocumentVisible)
	r.Get(pathTemplates, m.allow(areaAdmin), m.showTemplates)
	r.Post(pathTemplates, m.allow(areaAdmin), m.saveTemplate)
	r.Post(pathTemplateDel, m.allow(areaAdmin), m.deleteTemplate)
	r.Get(pathTickets, m.allow(areaTickets), m.showTickets)
	r.Get(pathTicket, m.allow(areaTickets), m.showTicket)
	r.Post(pathTicketReply, m.allow(areaTickets), m.replyTicket)
	r.Post(pathDepartments, m.allow(areaAdmin), m.saveDepartment)
	r.Get(pathButtons, m.allow(areaAdmin), m.showButtons)
	r.Post(pathButtons, m.allow(areaAdmin), m.saveButton)
	r.Post(pathButtonDelete, m.allow(areaAdmin), m.deleteButton)
	r.Get(pathConsents, m.allow(areaAdmin), m.showConsents)
	r.Post(pathConsents, m.allow(areaAdmin), m.addConsentDocument)
	r.Post(pathConsentVer, m.allow(areaAdmin), m.addConsentVersion)
	r.Post(pathConsentActive, m.allow(areaAdmin), m.setConsentActive)
	r.Get(pathContact, m.allow(areaAdmin), m.showContact)
}

// idParam parses a numeric route parameter strictly; anything else is 404.
func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}
