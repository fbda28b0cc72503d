package sms

import (
	"context"
	"fmt"
	"net/url"
	"testing"
)

func TestDirectory(t *testing.T) {
	f := newFixture(t)
	f.b1.Get("/sms/contacts").Expect(t, 200, "Your directory is empty.")
	f.b1.Get("/sms/contacts/new").Expect(t, 200, `name="number"`)

	// Validation: the form comes back with the typed values and the errors.
	f.b1.Post("/sms/contacts/new", url.Values{"name": {""}, "number": {"abc"}}).
		Expect(t, 422, "Enter a name.", "This is not a phone number", `value="abc"`)
	f.b1.Post("/sms/contacts/new", url.Values{"name": {"Premium"}, "number": {"+420 906 111 222"}}).Expect(t, 422, "premium-rate")

	// Stored in international form.
	f.b1.Post("/sms/contacts/new", url.Values{"name": {"Jana"}, "number": {"777 123 456"}}).Expect(t, 303)
	list, _ := ListContacts(context.Background(), f.env.Deps.DB.R, f.c1)
	if len(list) != 1 || list[0].Number != "+420777123456" {
		t.Fatalf("stored %+v", list)
	}
	id := list[0].ID
	f.b1.Get("/sms/contacts").Expect(t, 200, "Contact Jana saved.", "&#43;420777123456", "/sms?to=%2b420777123456")
	// The send form offers the contact.
	f.b1.Get("/sms").Expect(t, 200, `<option value="&#43;420777123456">Jana (&#43;420777123456)</option>`)
	f.b1.Get("/sms?to=%2B420777123456").Expect(t, 200, `id="sms-number" name="number" value="&#43;420777123456"`)

	// Edit.
	edit := fmt.Sprintf("/sms/contacts/%d/edit", id)
	f.b1.Get(edit).Expect(t, 200, `value="Jana"`)
	f.b1.Post(edit, url.Values{"name": {"Jana N."}, "number": {"00421 905 111 222"}}).Expect(t, 303)
	if c, _ := ContactByID(context.Background(), f.env.Deps.DB.R, f.c1, id); c.Name != "Jana N." || c.Number != "+421905111222" {
		t.Fatalf("edited %+v", c)
	}

	// Another client: every route with this id is 404, nothing changes, nothing shows.
	del := fmt.Sprintf("/sms/contacts/%d/delete", id)
	f.b2.Get("/sms/contacts").Expect(t, 200, "Your directory is empty.").Lacks(t, "Jana")
	f.b2.Get("/sms").Expect(t, 200).Lacks(t, "Jana")
	f.b2.Get(edit).Expect(t, 404)
	f.b2.Post(edit, url.Values{"name": {"Mine"}, "number": {"+420777000000"}}).Expect(t, 404)
	f.b2.Post(del, nil).Expect(t, 404)
	if c, err := ContactByID(context.Background(), f.env.Deps.DB.R, f.c1, id); err != nil || c.Name != "Jana N." {
		t.Fatalf("changed by another client: %+v %v", c, err)
	}
	// Ids that are not numbers are 404 as well.
	for _, p := range []string{"/sms/contacts/abc/edit", "/sms/contacts/99999999999999999999/edit", "/sms/contacts/-1/edit", "/sms/contacts/0012/edit"} {
		f.b1.Get(p).Expect(t, 404)
	}

	// Delete.
	f.b1.PostRaw(del, nil).Expect(t, 403)
	f.b1.Post(del, nil).Expect(t, 303)
	f.b1.Get("/sms/contacts").Expect(t, 200, "Contact deleted.", "Your directory is empty.")
	f.b1.Post(del, nil).Expect(t, 404)

	// Czech.
	f.b1.Header.Set("Accept-Language", "cs")
	f.b1.Get("/sms/contacts").Expect(t, 200, "Telefonní seznam", "Přidat kontakt")
}
