package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// runServiceAdd is `portal service add`.
func runServiceAdd(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	fs := app.Flags("service add", io)
	var s Service
	client := fs.String("client", "", "client number (required)")
	tariff := fs.String("tariff", "", "tariff id or external id (required)")
	fs.StringVar(&s.Name, "name", "", "service name (required)")
	fs.StringVar(&s.Kind, "kind", "", "internet, tv, voip or other (default: the tariff's)")
	fs.StringVar(&s.State, "state", StateActive, "active, suspended or terminated")
	fs.StringVar(&s.ActivatedOn, "activated", "", "activation date YYYY-MM-DD (default: today)")
	fs.StringVar(&s.Address, "address", "", "installation address")
	fs.StringVar(&s.IP, "ip", "", "IP address")
	fs.BoolVar(&s.DHCP, "dhcp", false, "configured through DHCP: the portal shows \"Via DHCP\" instead of the IP address")
	fs.StringVar(&s.MAC, "mac", "", "MAC address")
	price := fs.String("price", "", "monthly price overriding the tariff's, e.g. 399.00")
	fs.StringVar(&s.ExternalID, "external-id", "", "id in the billing system (updates the service that has it)")
	var params multiFlag
	fs.Var(&params, "param", "configuration sheet line 'Name=Value' (repeatable)")
	if err := app.ParseFlags(fs, args); err != nil {
		return err
	}
	if *client == "" || *tariff == "" {
		return errors.New("service add: --client and --tariff are required")
	}
	if *price != "" {
		p, err := parseMoney(*price)
		if err != nil {
			return err
		}
		s.PriceOverride = &p
	}
	for _, p := range params {
		name, value, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return fmt.Errorf("service add: --param %q: use Name=Value", p)
		}
		s.Params = append(s.Params, Param{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	if s.ActivatedOn == "" {
		s.ActivatedOn = d.Now().Format("2006-01-02")
	}
	var id int64
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := core.ClientByNumber(ctx, tx, *client)
		if err != nil {
			return fmt.Errorf("client %q: %w", *client, err)
		}
		t, err := TariffByExternalID(ctx, tx, *tariff)
		if errors.Is(err, core.ErrNotFound) {
			if n, perr := strconv.ParseInt(*tariff, 10, 64); perr == nil {
				t, err = TariffByID(ctx, tx, n)
			}
		}
		if err != nil {
			return fmt.Errorf("tariff %q: %w", *tariff, err)
		}
		s.ClientID, s.TariffID = c.ID, t.ID
		id, err = SaveService(ctx, tx, s, d.Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("service add: %w", err)
	}
	printf(io.Out, "Service %d saved: %s\n", id, s.Name)
	return nil
}

// runServiceList is `portal service list CLIENT`.
func runServiceList(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: portal service list CLIENT")
	}
	c, err := core.ClientByNumber(ctx, d.DB.R, args[0])
	if err != nil {
		return fmt.Errorf("service list: client %q: %w", args[0], err)
	}
	list, err := ListServices(ctx, d.DB.R, c.ID, ListFilter{WithTerminated: true})
	if err != nil {
		return err
	}
	printf(io.Out, "%s (%s): %d services\n", c.Name, c.Number, len(list))
	tb := app.NewTable(io.Out, "ID", "EXTERNAL ID", "NAME", "KIND", "TARIFF", "STATE", "IP", "SINCE")
	for _, s := range list {
		ip := s.IP
		if s.DHCP {
			ip = "DHCP (" + s.IP + ")"
		}
		tb.Row(s.ID, s.ExternalID, s.Name, s.Kind, s.Tariff.Name, s.State, ip, s.ActivatedOn)
	}
	return tb.Flush()
}
