package main

import (
	"github.com/ispportal/portal/internal/app"
)

// modules is the one explicit list of everything the portal mounts, in order: the
// order of migrations, demo seeding, and of menu entries with equal Order.
var modules = []app.Constructor{}
