package main

import (
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/appearance"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/brands"
	"github.com/ispportal/portal/modules/buttons"
	"github.com/ispportal/portal/modules/contact"
	"github.com/ispportal/portal/modules/dashboard"
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/notify"
	"github.com/ispportal/portal/modules/payments"
	"github.com/ispportal/portal/modules/people"
	"github.com/ispportal/portal/modules/rates"
	"github.com/ispportal/portal/modules/requests"
	"github.com/ispportal/portal/modules/sections"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/signup"
	"github.com/ispportal/portal/modules/sms"
	usagemod "github.com/ispportal/portal/modules/usage"
	"github.com/ispportal/portal/modules/vouchers"
)

// modules is the one explicit list of everything the portal mounts, in order: the
// order of migrations, demo seeding, and of menu entries with equal Order.
var modules = []app.Constructor{
	info.New, requests.New, contact.New, buttons.New,
	services.New,
	invoices.New, payments.New, vouchers.New,
	usagemod.New, rates.New,
	dashboard.New,
	documents.New, files.New, gdpr.New,
	sms.New, helpdesk.New, notify.New,
	signup.New,
	appearance.New, brands.New,
	auth.New, people.New, sections.New,
	admin.New,
	api.New,
}
