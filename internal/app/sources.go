package app

import (
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// MigrationSources are the migrations of the platform and of these modules, in the
// order Boot applies them. migrate-to-postgres migrates its destination with them
// without booting the portal on it.
func MigrationSources(ctors []Constructor) []db.Source {
	sources := []db.Source{core.Migrations(), settings.Migrations(), web.Migrations(), mail.Migrations(), lockout.Migrations(), factor.Migrations(), blob.Migrations()}
	for _, ctor := range ctors {
		if info := ctor(Deps{}).Info(); info.Migrations != nil {
			sources = append(sources, db.Source{Name: info.Name, FS: info.Migrations})
		}
	}
	return sources
}
