package notify

import (
	"errors"
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// Console paths, below /admin.
const (
	pathStaffNotices = "/notices"
	pathStaffPrefs   = "/clients/:id/notifications"
	noticesListed    = 30
)

// staffPages are the module's console pages.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathStaffNotices, perm.NotifyRead, m.showNotices), "notify.staff.menu", 22),
		console.Post(pathStaffNotices, perm.NotifyWrite, m.sendNotice),
		console.Post(pathStaffPrefs, perm.NotifyWrite, m.saveStaffPrefs),
	}
}

// staffCard is the notifications section of the client card: the client's choices
// (a form for roles that may change them) and the latest notifications.
func (m *Module) staffCard() app.CardSection {
	return app.CardSection{Name: "notify", Order: 75, Action: perm.NotifyRead, Link: "notify.staff.card_title",
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			var p *Prefs
			if errs != nil {
				f := formPrefs(c)
				p = &f
			}
			data, err := m.load(c.UserContext(), cl, p)
			if err != nil {
				return "", err
			}
			data.Can = console.Can(m.d.Web, c, perm.NotifyWrite)
			return m.d.Web.Partial(c, tplCard, data, errs)
		}}
}

// saveStaffPrefs handles POST /admin/clients/:id/notifications; a refusal re-renders
// the card with the field error.
func (m *Module) saveStaffPrefs(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	cl, err := core.ClientByID(ctx, m.d.DB.R, id)
	if err != nil {
		return err
	}
	err = SavePrefs(ctx, m.d.DB, cl.ID, formPrefs(c), console.Actor(m.d.Web, c), m.d.Web.ClientIP(c), m.d.Now())
	if errs, ok := fieldErrors(err); ok {
		return m.d.Hooks.ClientCard(c, cl, errs)
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "notify.saved")
	return m.d.Web.Redirect(c, console.Path("/clients/"+strconv.FormatInt(cl.ID, 10)))
}

// noticesData is the console's notices page.
type noticesData struct {
	Notices []Notice
	Groups  []core.InvoiceGroup
	Can     bool
}

func (m *Module) showNotices(c *fiber.Ctx) error { return m.renderNotices(c, nil, nil) }

func (m *Module) renderNotices(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	list, err := ListNotices(ctx, m.d.DB.R, noticesListed)
	if err != nil {
		return err
	}
	groups, err := core.Groups(ctx, m.d.DB.R)
	if err != nil {
		return err
	}
	d := noticesData{Notices: list, Groups: groups, Can: console.Can(m.d.Web, c, perm.NotifyWrite)}
	if errs != nil {
		return m.d.Web.FormError(c, tplOutage, "notify.staff.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplOutage, "notify.staff.title", d)
}

// noticeErrKeys translate Announce's refusals for the console.
var noticeErrKeys = map[error]string{ErrNoticeTitle: "notify.staff.err_title", ErrNoticeText: "notify.staff.err_text",
	ErrNoticeAudience: "notify.staff.err_audience"}

// sendNotice handles POST /admin/notices: audience (all, group, client by number),
// title and text.
func (m *Module) sendNotice(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := map[string]string{"audience": c.FormValue("audience"), "group": c.FormValue("group"),
		"client": strings.TrimSpace(c.FormValue("client")), "title": c.FormValue("title"), "text": strings.ReplaceAll(c.FormValue("text"), "\r\n", "\n")}
	n := Notice{Audience: form["audience"], Title: form["title"], Text: form["text"]}
	switch n.Audience {
	case "group":
		n.GroupID, _ = core.ParseID(form["group"])
	case "client":
		cl, err := core.ClientByNumber(ctx, m.d.DB.R, form["client"])
		if err != nil && !errors.Is(err, core.ErrNotFound) {
			return err
		}
		n.ClientID = cl.ID
	}
	n, created, err := m.Announce(ctx, n, console.Actor(m.d.Web, c), m.d.Web.ClientIP(c))
	var fe *core.FieldError
	if errors.As(err, &fe) {
		field := fe.Field
		if field == "group_id" {
			field = "group"
		}
		if n.Audience == "client" && field == "audience" {
			field = "client"
		}
		return m.renderNotices(c, map[string]string{field: noticeErrKeys[fe.Err]}, form)
	}
	if err != nil {
		return err
	}
	if created {
		m.d.Web.AddFlash(c, "ok", "notify.staff.sent", strconv.Itoa(n.Clients))
	}
	return m.d.Web.Redirect(c, console.Path(pathStaffNotices))
}
